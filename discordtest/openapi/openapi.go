// Package openapi validates the fake Discord's requests against Discord's
// published OpenAPI document. It is kept apart from package discordtest so
// that `hearth demo`, which links the simulator into the hearth binary, does
// not link the validator and its dependencies: test packages import it for
// its side effect,
//
//	import _ "github.com/hearthbot/hearth/discordtest/openapi"
//
// and every discordtest.Server they build validates (unless built
// WithoutValidation).
package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/discordtest/internal/paths"
)

func init() {
	discordtest.RegisterValidator(func() (discordtest.Validator, error) {
		v, err := loadSchema()
		if v == nil || err != nil {
			return nil, err // a nil *schemaValidator must not become a non-nil interface
		}
		return v, nil
	})
}

// schemaEnv names the OpenAPI document explicitly, for runs outside the repo.
const schemaEnv = "HEARTH_DISCORD_OPENAPI"

// The document is 1.2 MB and takes a few hundred milliseconds to load, so
// every Server in the process shares one parsed copy.
var (
	schemaOnce sync.Once
	schemaVal  *schemaValidator
	schemaErr  error
)

// schemaValidator checks requests against Discord's OpenAPI 3.1 document.
type schemaValidator struct {
	doc    *openapi3.T
	routes []schemaRoute // most literal segments first, like the handler table
}

type schemaRoute struct {
	template string
	segs     []string
	item     *openapi3.PathItem
}

// loadSchema returns nil, nil when no document can be found.
func loadSchema() (*schemaValidator, error) {
	schemaOnce.Do(func() {
		path, err := findSchema()
		if err != nil || path == "" {
			schemaErr = err
			return
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			schemaErr = fmt.Errorf("load %s: %w", path, err)
			return
		}
		v := &schemaValidator{doc: doc}
		for tmpl, item := range doc.Paths.Map() {
			v.routes = append(v.routes, schemaRoute{template: tmpl, segs: paths.Split(tmpl), item: item})
		}
		sort.SliceStable(v.routes, func(i, j int) bool {
			li, lj := paths.LiteralCount(v.routes[i].segs), paths.LiteralCount(v.routes[j].segs)
			if li != lj {
				return li > lj
			}
			return v.routes[i].template < v.routes[j].template
		})
		schemaVal = v
	})
	return schemaVal, schemaErr
}

// findSchema looks at $HEARTH_DISCORD_OPENAPI, then for shared/discord/openapi.json
// in the working directory, its parent and their ancestors.
func findSchema() (string, error) {
	if p := os.Getenv(schemaEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %w", schemaEnv, err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", nil
	}
	for {
		for _, c := range []string{
			filepath.Join(dir, "shared", "discord", "openapi.json"),
			filepath.Join(dir, "..", "shared", "discord", "openapi.json"),
		} {
			if _, err := os.Stat(c); err == nil {
				return c, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Validate returns why Discord would reject the request, or "" when the
// document accepts it or does not describe the path at all (unknown routes
// are reported by the router instead). path is the request's path without
// the /api/vN prefix; body is its JSON (a multipart body's payload_json).
func (v *schemaValidator) Validate(r *http.Request, path string, body []byte) string {
	segs := paths.Split(path)
	var route *schemaRoute
	params := map[string]string{}
	for i := range v.routes {
		clear(params)
		if paths.Match(v.routes[i].segs, segs, params) {
			route = &v.routes[i]
			break
		}
	}
	if route == nil {
		return ""
	}
	op := route.item.GetOperation(r.Method)
	if op == nil {
		return ""
	}
	body = normalizeForSchema(body)
	u := "http://discord.test/api/v10" + path
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	vr, err := http.NewRequestWithContext(r.Context(), r.Method, u, bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	if len(body) > 0 {
		vr.Header.Set("Content-Type", "application/json")
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    vr,
		PathParams: params,
		Route:      &routers.Route{Spec: v.doc, Path: route.template, PathItem: route.item, Method: r.Method, Operation: op},
		Options: &openapi3filter.Options{
			// The fake checks the bot token itself; the document's security
			// schemes are not what is under test.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return describe(err)
	}
	return ""
}

// normalizeForSchema rewrites what Discord accepts but its document does not
// admit: default_member_permissions is documented as a string and discordgo
// sends one, while the document types it as an integer.
func normalizeForSchema(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"default_member_permissions"`)) {
		return body
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return body
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case []any:
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			for k, e := range t {
				if s, ok := e.(string); ok && k == "default_member_permissions" && isDigits(s) {
					t[k] = json.Number(s)
					continue
				}
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// describe shortens kin-openapi's errors, which embed whole schemas and
// values, to the reasons.
func describe(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		reason := se.Reason
		if _, rest, found := strings.Cut(reason, "\n"); found && strings.HasPrefix(reason, "jsonschema validation failed") {
			reason = rest
		}
		where := "request body"
		var re *openapi3filter.RequestError
		if errors.As(err, &re) && re.Parameter != nil {
			where = re.Parameter.In + " parameter " + re.Parameter.Name
		}
		return truncate(where+": "+reason, 2000)
	}
	return truncate(err.Error(), 2000)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
