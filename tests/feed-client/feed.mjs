// Shared by the test client and the load client: a feed hub connection the way a browser makes one
// (WebSockets only, no negotiation, the access token from accessTokenFactory, which the JavaScript client sends
// as the access_token query parameter), and the names of every message the hub sends.
import * as signalR from "@microsoft/signalr";

export const messageTypes = [
  "feedItemAdded", "feedItemAmended", "feedItemHidden", "feedItemRestored", "win", "partnerCheckIn",
  "nudgeReceived", "kudos", "comment", "commentHidden", "commentRestored", "commentDeleted",
  "leaderboardChanged", "coachQueueChanged", "groupJoined", "groupLeft", "partnershipChanged",
];

export function connect(hubUrl, token) {
  return new signalR.HubConnectionBuilder()
    .withUrl(hubUrl, {
      accessTokenFactory: () => token,
      skipNegotiation: true,
      transport: signalR.HttpTransportType.WebSockets,
    })
    .configureLogging(signalR.LogLevel.None)
    .build();
}

/** Prints one JSON line (what the .NET tests read). */
export function emit(line) {
  process.stdout.write(JSON.stringify(line) + "\n");
}
