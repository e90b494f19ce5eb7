// Where the Docker Prometheus remote-writes with AMP: the workspace's endpoint, signed with SigV4
// for the stack's region. The endpoint is known once the workspace exists; before that (render,
// validate) it is derived from aws.amp.workspaceId, or names the workspace `pulumi up` creates.
import type { Settings } from "../../settings";

/** Stands for the id of the workspace `pulumi up` creates, in files rendered before it exists. */
export const PENDING_WORKSPACE = "ws-created-by-pulumi-up";

/** AMP's Prometheus endpoint (ending in `/`) for a workspace id, as the workspace reports it. */
export const ampEndpointOf = (region: string, workspaceId: string): string => `https://aps-workspaces.${region}.amazonaws.com/workspaces/${workspaceId}/`;

export interface RemoteWrite {
  url: string;
  region: string;
}

export function ampRemoteWrite(settings: Settings, endpoint?: string): RemoteWrite {
  // The loader requires aws:region with aws.enabled, which aws.amp.enabled needs.
  const region = settings.awsRegion!;
  const base = endpoint ?? ampEndpointOf(region, settings.aws.amp.workspaceId ?? PENDING_WORKSPACE);
  return { url: `${base.endsWith("/") ? base : `${base}/`}api/v1/remote_write`, region };
}
