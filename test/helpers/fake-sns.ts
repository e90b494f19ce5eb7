// A local SNS Publish endpoint: it answers the Query API call Alertmanager's sns_configs make
// (form-encoded Action=Publish, signed with SigV4), records each message, and delivers it to the
// Lambda handlers subscribed to its topic the way SNS invokes a Lambda (one record per event,
// asynchronously after answering).
import * as http from "node:http";
import { AddressInfo } from "node:net";

export interface Published {
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  messageId: string;
  /** The Authorization header the publisher signed the request with. */
  authorization?: string;
  at: number;
}

export type SnsHandler = (event: unknown, context: { getRemainingTimeInMillis(): number; awsRequestId?: string }) => Promise<void>;

export interface FakeSns {
  url: string;
  published: Published[];
  /** Handler invocations still running or failed, by message id. */
  failures: { messageId: string; error: string }[];
  /** Waits for every delivery started so far. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The MessageAttributes.entry.N.* fields of a Publish call, by name. */
function attributesOf(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) {
    const m = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(k);
    if (m) out[v] = form.get(`MessageAttributes.entry.${m[1]}.Value.StringValue`) ?? "";
  }
  return out;
}

export async function startFakeSns(subscribers: (topicArn: string) => SnsHandler[]): Promise<FakeSns> {
  const published: Published[] = [];
  const failures: FakeSns["failures"] = [];
  const deliveries: Promise<void>[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      if (form.get("Action") !== "Publish" || !form.get("TopicArn") || form.get("Message") === null) {
        res.writeHead(400, { "content-type": "text/xml" }).end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>not a Publish call</Message></Error></ErrorResponse>`);
        return;
      }
      const messageId = `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
      const p: Published = {
        topicArn: form.get("TopicArn")!,
        subject: form.get("Subject") ?? undefined,
        message: form.get("Message")!,
        attributes: attributesOf(form),
        messageId,
        authorization: req.headers.authorization,
        at: Date.now(),
      };
      published.push(p);
      res.writeHead(200, { "content-type": "text/xml" }).end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${n}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      const record = {
        EventSource: "aws:sns",
        EventSubscriptionArn: `${p.topicArn}:subscription`,
        Sns: {
          Type: "Notification",
          MessageId: messageId,
          TopicArn: p.topicArn,
          Subject: p.subject ?? null,
          Message: p.message,
          Timestamp: new Date(p.at).toISOString(),
          MessageAttributes: Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k, { Type: "String", Value: v }])),
        },
      };
      for (const handler of subscribers(p.topicArn)) {
        const deadline = Date.now() + 30_000;
        deliveries.push(
          handler({ Records: [record] }, { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: messageId }).catch((e: unknown) => {
            failures.push({ messageId, error: String(e) });
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published,
    failures,
    settled: async () => {
      await Promise.all(deliveries);
    },
    close: async () => {
      await Promise.all(deliveries);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
