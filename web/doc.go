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
package web
