// Package hearth is the domain of the hearth bot: the groups, meetings,
// memberships, check-ins and alerts of peer-support groups, the rota and
// schedule rules, the configuration, and the interfaces that the adapters
// (bot, commands, scheduler, storage) implement or consume.
//
// AlertService is the one place that decides who may act on an alert (the
// group's psychologists of now, and the clinical lead once it escalated) and
// performs the acknowledge, resolve and view-note operations; the slash
// commands, the buttons of alert DMs and the web dashboard all call it.
//
// It imports only the standard library (and robfig/cron for schedule math),
// so the rules of the product can be read and tested without Discord or a
// database.
package hearth
