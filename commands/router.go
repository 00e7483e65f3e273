package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// Handler answers one interaction. A returned *hearth.Error is shown to the
// caller ephemerally; any other error becomes an apology and a log line.
type Handler func(ctx context.Context, r *Request) (*Response, error)

// Middleware wraps a handler.
type Middleware func(next Handler) Handler

// Router routes interactions to handlers.
type Router struct {
	commands     []Command
	handlers     map[string]Handler // command path
	components   map[string]Handler // custom id route
	autocomplete map[string]Handler // option name
	slow         map[string]bool    // command paths or routes that may take long
	scopes       map[string]scope   // top-level command name
	middleware   []Middleware
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{
		handlers:     map[string]Handler{},
		components:   map[string]Handler{},
		autocomplete: map[string]Handler{},
		slow:         map[string]bool{},
		scopes:       map[string]scope{},
	}
}

// Use adds middleware, outermost first.
func (rt *Router) Use(m ...Middleware) { rt.middleware = append(rt.middleware, m...) }

// Define adds a command definition. It panics on a duplicate name, like
// http.ServeMux: two definitions of one command are a wiring bug.
func (rt *Router) Define(c Command) {
	if slices.ContainsFunc(rt.commands, func(d Command) bool { return d.Name == c.Name }) {
		panic("commands: duplicate command definition " + c.Name)
	}
	rt.commands = append(rt.commands, c)
	rt.scopes[c.Name] = c.scope
}

// Commands returns the definitions to sync to Discord.
func (rt *Router) Commands() []Command { return rt.commands }

// OptionType returns the type of option name of the command at path ("alerts
// resolve"), as defined, or 0 if there is none.
func (rt *Router) OptionType(path, name string) OptionType {
	words := strings.Fields(path)
	if len(words) == 0 {
		return 0
	}
	for _, c := range rt.commands {
		if c.Name != words[0] {
			continue
		}
		opts := c.Options
		for _, w := range words[1:] {
			i := slices.IndexFunc(opts, func(o OptionDef) bool { return o.Name == w && o.Type <= OptSubcommandGroup })
			if i < 0 {
				return 0
			}
			opts = opts[i].Options
		}
		if i := slices.IndexFunc(opts, func(o OptionDef) bool { return o.Name == name }); i >= 0 {
			return opts[i].Type
		}
	}
	return 0
}

// Handle routes a command path ("join", "group create") to h.
func (rt *Router) Handle(path string, h Handler) { register(rt.handlers, "command", path, h) }

// Component routes custom ids equal to route or starting with route+":" to h.
func (rt *Router) Component(route string, h Handler) { register(rt.components, "component", route, h) }

// Autocomplete routes autocomplete of an option name to h, in every command.
func (rt *Router) Autocomplete(option string, h Handler) {
	register(rt.autocomplete, "autocomplete", option, h)
}

// Slow marks a command path or component route whose handler may take longer
// than about a second: the bot defers it at once instead of waiting.
func (rt *Router) Slow(path string) { rt.slow[path] = true }

func register(m map[string]Handler, kind, key string, h Handler) {
	if _, dup := m[key]; dup {
		panic(fmt.Sprintf("commands: duplicate %s handler %q", kind, key))
	}
	m[key] = h
}

// IsSlow reports whether r's handler was marked slow.
func (rt *Router) IsSlow(r *Request) bool {
	if r.Kind == KindCommand {
		return rt.slow[r.Path]
	}
	route, _ := rt.route(r)
	return route != "" && rt.slow[route]
}

// Dispatch runs the handler for r through the middleware.
func (rt *Router) Dispatch(ctx context.Context, r *Request) (*Response, error) {
	_, h := rt.route(r)
	if h == nil {
		return nil, &hearth.Error{Code: hearth.ENOTFOUND, Message: r.T(locale.ErrorUnavailable)}
	}
	if name, _, _ := strings.Cut(r.Path, " "); name != "" {
		r.scope = rt.scopes[name]
	}
	for i := len(rt.middleware) - 1; i >= 0; i-- {
		h = rt.middleware[i](h)
	}
	return h(ctx, r)
}

// Route names the handler r goes to, for metrics: the command path, the
// component route (never the custom id, which carries ids), "autocomplete "
// and the option name, or "unknown" when no handler takes r.
func (rt *Router) Route(r *Request) string {
	key, h := rt.route(r)
	switch {
	case h == nil:
		return "unknown"
	case r.Kind == KindAutocomplete:
		return "autocomplete " + key
	}
	return key
}

// route finds the handler of r and the key it was registered under.
func (rt *Router) route(r *Request) (string, Handler) {
	switch r.Kind {
	case KindCommand:
		return r.Path, rt.handlers[r.Path]
	case KindAutocomplete:
		return r.Focused, rt.autocomplete[r.Focused]
	case KindComponent, KindModal:
		// The longest registered route that prefixes the custom id wins.
		best := ""
		for route := range rt.components {
			if (r.CustomID == route || strings.HasPrefix(r.CustomID, route+":")) && len(route) > len(best) {
				best = route
			}
		}
		if best != "" {
			return best, rt.components[best]
		}
	}
	return "", nil
}
