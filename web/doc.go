// Package web is hearth's dashboard (SPEC §11): Login with Discord, and pages
// for psychologists (their groups' alerts, roster, attendance and mood,
// meeting history), admins (groups, settings, audit log) and members (their
// own data, export, erasure).
//
// It is an adapter like bot/: a handler checks on the server, against the
// database and Discord, who may see what, then runs the same operation the
// slash command or DM button runs (through commands.Router, see actions.go)
// and renders an html/template page. Every action is a plain HTML form;
// templates and the style sheet are embedded; no page loads anything from
// another origin.
//
// Every word comes from the locale catalogs (tables web_*, see
// messages.go), in the viewer's language (lang.go): their choice on the
// switch (a cookie, never their DM language), else the language hearth
// stored for their latest Discord interaction, else Accept-Language, else
// English. Templates are parsed once per language with that language's
// functions (t, when, urgency, status…). Replies and errors of the
// handlers it runs come in the same language; those requests are marked
// Dashboard so that they do not change the language hearth remembers.
package web
