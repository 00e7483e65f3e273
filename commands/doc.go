// Package commands holds hearth's slash commands, one file per command: its
// definition (as data) and its handlers, which take a *Request and return a
// *Response. Handlers speak only the domain interfaces of package hearth; they
// never touch Discord, so the bot package can route, defer and answer for them.
//
// The Router maps command paths ("group create"), component custom ids and
// autocomplete options to handlers, and refuses a duplicate registration.
package commands
