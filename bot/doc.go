// Package bot adapts discordgo to hearth: it owns the gateway session (and
// reconnects it itself, stopping on close codes no reconnect can fix), the
// REST client (rewritten to [discord] api_base_url, paced by one outbound
// limiter per process under Discord's global 50 requests per second, with a
// deadline on every call), the start-up that retries Discord's transient
// errors, the sync of command definitions, the routing of interactions to the
// commands package (deferring slow handlers, turning errors and panics into
// ephemeral replies) and hearth.Discord, the outbound messages, whose errors
// it classifies as transient or not (classify).
//
// Of the packages that serve a real Discord it is the only one that imports
// discordgo; the fake Discord (discordtest) and the demo's script in
// cmd/hearth use discordgo's types to play Discord's side.
package bot
