// Package hearth is the domain of the hearth bot: the groups, meetings,
// memberships, check-ins and alerts of peer-support groups, the rota and
// schedule rules, the configuration, and the interfaces that the adapters
// (bot, commands, scheduler, storage) implement or consume.
//
// It imports only the standard library (and robfig/cron for schedule math),
// so the rules of the product can be read and tested without Discord or a
// database.
package hearth
