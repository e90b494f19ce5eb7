// The alarm's region code and its CloudWatch console link. The ARN is exact; the display name
// CloudWatch puts in `Region` is the fallback (older alarms wrote "EU (…)" for "Europe (…)").
const REGION_NAMES: Record<string, string> = {
  "US East (N. Virginia)": "us-east-1",
  "US East (Ohio)": "us-east-2",
  "US West (N. California)": "us-west-1",
  "US West (Oregon)": "us-west-2",
  "Africa (Cape Town)": "af-south-1",
  "Asia Pacific (Hong Kong)": "ap-east-1",
  "Asia Pacific (Taipei)": "ap-east-2",
  "Asia Pacific (Mumbai)": "ap-south-1",
  "Asia Pacific (Hyderabad)": "ap-south-2",
  "Asia Pacific (Singapore)": "ap-southeast-1",
  "Asia Pacific (Sydney)": "ap-southeast-2",
  "Asia Pacific (Jakarta)": "ap-southeast-3",
  "Asia Pacific (Melbourne)": "ap-southeast-4",
  "Asia Pacific (Malaysia)": "ap-southeast-5",
  "Asia Pacific (New Zealand)": "ap-southeast-6",
  "Asia Pacific (Thailand)": "ap-southeast-7",
  "Asia Pacific (Tokyo)": "ap-northeast-1",
  "Asia Pacific (Seoul)": "ap-northeast-2",
  "Asia Pacific (Osaka)": "ap-northeast-3",
  "Canada (Central)": "ca-central-1",
  "Canada West (Calgary)": "ca-west-1",
  "Europe (Frankfurt)": "eu-central-1",
  "Europe (Zurich)": "eu-central-2",
  "Europe (Ireland)": "eu-west-1",
  "Europe (London)": "eu-west-2",
  "Europe (Paris)": "eu-west-3",
  "Europe (Milan)": "eu-south-1",
  "Europe (Spain)": "eu-south-2",
  "Europe (Stockholm)": "eu-north-1",
  "Israel (Tel Aviv)": "il-central-1",
  "Mexico (Central)": "mx-central-1",
  "Middle East (Bahrain)": "me-south-1",
  "Middle East (UAE)": "me-central-1",
  "South America (Sao Paulo)": "sa-east-1",
};

const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const normaliseName = (name: string): string =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/^EU \(/, "Europe (")
    .trim();

/** The region code from the alarm ARN (commercial partition), else from the display name. */
export function regionOf(alarmArn: string, displayName?: string): string | undefined {
  const [, partition, , region] = alarmArn.split(":");
  if (partition === "aws" && region && REGION_CODE.test(region)) return region;
  if (displayName && REGION_CODE.test(displayName)) return displayName;
  return displayName ? REGION_NAMES[normaliseName(displayName)] : undefined;
}

export function consoleUrl(region: string, alarmName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}
