// DescribeAlarms for one alarm, as one SigV4-signed request (CloudWatch's query protocol, XML
// answer), to tell a stale ALARM from a current one: Lambda retries a failed ALARM event minutes
// later, and by then the alarm may be OK again (its OK already resolved the incident). Region,
// credentials and an endpoint override (AWS_ENDPOINT_URL_CLOUDWATCH) come from the environment.
import ky from "ky";
import { signedService, type SignedService } from "./aws-client";
import { Env } from "./config";

export interface AlarmState {
  state: string;
  /** When the alarm entered that state (ISO 8601). */
  since: string;
}

export type AlarmStateReader = (alarmName: string, signal?: AbortSignal) => Promise<AlarmState | undefined>;

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export function cloudWatchAlarmReader(env: Env, timeoutMs: number): AlarmStateReader {
  let client: SignedService | undefined;
  return async (alarmName, signal) => {
    client ??= signedService(env, "monitoring", "CLOUDWATCH");
    const body = new URLSearchParams({ Action: "DescribeAlarms", Version: "2010-08-01", "AlarmNames.member.1": alarmName }).toString();
    const request = await client.aws.sign(client.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body });
    const xml = await ky(request, { timeout: timeoutMs, signal, retry: { limit: 1, methods: ["post"] } }).text();
    const state = tag(xml, "StateValue");
    const since = tag(xml, "StateUpdatedTimestamp") ?? tag(xml, "StateTransitionedTimestamp");
    return state && since ? { state, since } : undefined;
  };
}
