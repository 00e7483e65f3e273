// Package discordtest is a fake Discord for end-to-end tests, in the spirit of
// net/http/httptest: a real implementation of the REST API and the gateway on a
// loopback socket that the real discordgo client connects to, plus an
// in-process recorder the test inspects.
//
// A test builds a world (guilds, channels, roles, users, members), points a
// discordgo session at [Server.URL] with an http.Client whose transport
// rewrites https://discord.com/api/v9 to it, opens the session, and then acts
// as Discord users would: [Server.SlashCommand], [Server.Button],
// [Server.ModalSubmit], [Server.Autocomplete]. The returned [Interaction]
// reports what the user saw ([Interaction.Wait], [Interaction.WaitFinal]).
// Everything the bot sends is recorded ([Server.Calls], [Server.Messages],
// [Server.DMs], [Server.AllMessages]) and every REST request is validated
// against Discord's published OpenAPI document, so a request Discord would
// reject fails the test rather than production.
//
// Faults are methods, so a test says which one it wants: dropped sockets,
// op 7 and op 9, silenced heartbeat ACKs, 5xx and 429 answers, closed DMs,
// missing permissions and a global rate limit.
//
// Nothing here sleeps: tests wait on signals with [Server.WaitFor], which wakes
// after every recorded call and state change.
package discordtest
