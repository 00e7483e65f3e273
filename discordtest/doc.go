// Package discordtest is a fake Discord, in the spirit of net/http/httptest: a
// real implementation of the REST API and the gateway on a loopback socket
// that the real discordgo client connects to, plus an in-process recorder.
// End-to-end tests use it, and so does `hearth demo`, which plays a week
// against it; the package therefore does not import testing (it takes the
// small [TB] interface), so linking it into the hearth binary does not link
// the test framework.
//
// A test builds a world (guilds, channels, roles, users, members), points a
// discordgo session at [Server.URL] with an http.Client whose transport
// rewrites https://discord.com/api/v9 to it, opens the session, and then acts
// as Discord users would: [Server.SlashCommand], [Server.Button],
// [Server.Select], [Server.ModalSubmit], [Server.Autocomplete]. The returned
// [Interaction] reports what the user saw ([Interaction.Wait],
// [Interaction.WaitFinal]). Everything the bot sends is recorded
// ([Server.Calls], [Server.Messages], [Server.DMs], [Server.AllMessages]).
//
// The fake refuses what Discord refuses: every REST request is validated
// against Discord's published OpenAPI document when that document is found
// (HEARTH_DISCORD_OPENAPI, or shared/discord/openapi.json above the working
// directory; otherwise validation is skipped and logged), and the limits the
// document does not carry are checked by hand (limits.go: message content,
// embeds, allowed mentions, components, modals, autocomplete choices,
// scheduled events). A request that breaks one is answered like Discord
// (400, code 50035 and an "errors" tree) and fails the test, so a request
// Discord would reject fails the test rather than production. Rate limits are
// Discord's too: X-RateLimit-* headers on every response, per-route buckets
// and the global 50 per second answered with 429 and retry_after, 40003 when
// DM channels are opened too fast (see [WithDMOpenLimit]), and a gateway
// socket closed when its heartbeats stop.
//
// Faults are methods, so a test says which one it wants: dropped sockets,
// op 7 and op 9, silenced heartbeat ACKs, 5xx and 429 answers, closed DMs,
// missing permissions and a global rate limit.
//
// Tests do not sleep: they wait on signals with [Server.WaitFor], which wakes
// after every recorded call and state change. The fake's own timers (the
// rate-limit windows, the heartbeat watchdog) run on real time, since they
// are about real throughput; timestamps, snowflakes, interaction deadlines
// and scheduled events' status follow the injectable clock ([WithClock]).
package discordtest
