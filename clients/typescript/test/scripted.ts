// A real gRPC server on a loopback port whose EventService.Dispatch answers as a test scripts
// it, recording every request: the client's unit tests run over real HTTP/2, not a fake.

import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  DispatchResponseSchema,
  EventService,
  type Events,
} from "../src/gen/reach/common/events/events_pb.js";

export type Answer = (
  request: Events,
  call: number,
  context: HandlerContext,
) => Promise<MessageInitShape<typeof DispatchResponseSchema>>;

export const acceptAll: Answer = async (request) => ({ accepted: request.events.length });

export interface Scripted {
  baseUrl: string;
  requests: Events[];
  close(): Promise<void>;
}

export async function scripted(answer: Answer = acceptAll): Promise<Scripted> {
  const requests: Events[] = [];
  const handler = connectNodeAdapter({
    routes: (router) =>
      router.service(EventService, {
        async dispatch(request, context) {
          requests.push(request);
          return create(DispatchResponseSchema, await answer(request, requests.length, context));
        },
      }),
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients keep HTTP/2 sessions open; closing the server must not wait for them.
        for (const session of sessions) session.destroy();
      }),
  };
}
