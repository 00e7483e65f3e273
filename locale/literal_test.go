package locale_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pendingFiles are the files whose user-facing text is not in the catalog
// yet; the integrator shrinks this list as files are converted (see the
// package doc). An entry "file.go:Func" exempts one function only.
var pendingFiles = map[string][]string{
	"commands": {
		// Every file is converted.
	},
	// start.go: what `hearth run` tells the operator on stderr, in English.
	"bot":   {"bot.go", "discord.go", "gateway.go", "invite.go", "limiter.go", "observer.go", "transport.go", "start.go"},
	"chart": {},
	// scheduler/: what it sends is built by the domain from the catalog in
	// the recipient's or the group's language. These files hold only job
	// results, logs and internal errors: engine.go ("max attempts"),
	// event.go (a reason logged), housekeeping.go (a cron spec), retention.go
	// (a job result), and Skip's ENOTFOUND, which /schedule skip replaces
	// by its own message.
	"scheduler": {"engine.go", "event.go", "housekeeping.go", "retention.go", "skip.go:Skip"},
	// The domain: the message files are converted. Its errors keep an English
	// Message on purpose; those that also carry a catalog Msg (hearth.Errorm:
	// schedule_parse.go, schedule.go, offsets.go, meeting_plan.go) are shown
	// in the reader's language, the others (hearth.Errorf) are pending.
	".": {
		"alert.go", "alert_job.go", "checkin.go", "config.go", "error.go", "group.go", "guild.go",
		"identify.go", "job.go", "meeting.go", "meeting_job.go", "meeting_plan.go", "membership.go", "message.go",
		"offsets.go", "privacy.go", "rota.go", "rota_store.go", "schedule.go", "schedule_parse.go", "stats.go",
		"schedule_es.go:CanonicalSchedule",
		"meeting_message.go:DescribeMeeting", // English for next.go and group.go; DescribeMeetingIn is converted
	},
}

// prose matches text a person reads: two words, at least one of letters.
var prose = regexp.MustCompile(`\p{L}{2,}.*\s.*\S|\S.*\s.*\p{L}{2,}`)

// notShown are calls whose string arguments no user reads: logs, internal
// errors, routing keys and command definitions (checked against the catalog
// by the registration test in cmd/hearth).
var notShown = []string{
	"Info", "Warn", "Error", "Debug", "Log", "Errorf", "New", "panic", // logs and internal errors (fmt.Errorf, errors.New)
	"Errorm",                                                         // the English Message of an error whose catalog key is what readers see
	"Handle", "Component", "Autocomplete", "Slow", "Define", "audit", // routes, audit actions
	"Sub", "Str", "Int", "Bool", "UserOpt", "TextChannelOpt", "RoleOpt", "languageOpt", // definitions
	"Cut", "HasPrefix", "TrimPrefix", "Split", "Fields", "ReplaceAll", "NewReplacer", "Contains", "Join", // string plumbing
}

// definitionFields are composite-literal fields of command definitions.
var definitionFields = []string{"Description"}

// TestConverted_NoLiteralText fails when a file that is converted builds
// user-facing text from a string literal instead of the catalog: every
// literal that looks like prose, outside logs, internal errors and command
// definitions.
func TestConverted_NoLiteralText(t *testing.T) {
	found := 0
	for dir, pending := range pendingFiles {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no files in %s: %v", dir, err)
		}
		for _, path := range files {
			name := filepath.Base(path)
			if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_gen.go") || slices.Contains(pending, name) {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, lit := range proseLiterals(f, name, pending) {
				found++
				t.Errorf("%s: %s is user-facing text outside the catalog: add a key to locale/catalog (or, for a file not converted yet, list it in pendingFiles)",
					fset.Position(lit.Pos()), lit.Value)
			}
		}
	}
	_ = found
}

// TestConverted_FindsLiterals makes sure the scan can fail.
func TestConverted_FindsLiterals(t *testing.T) {
	src := `package x
func f(r *Request) (*Response, error) {
	s.Log.Info("member joined", "group", 1)
	if bad { return nil, hearth.Errorf(hearth.EINVALID, "You are already a member of **%s**.", g.Name) }
	return Ephemeral(r.T(locale.JoinAgree) + " Press the button."), nil
}`
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := proseLiterals(f, "x.go", nil)
	if len(got) != 2 {
		t.Fatalf("found %d literals, want the Errorf message and the appended sentence", len(got))
	}
}

func proseLiterals(f *ast.File, name string, pending []string) []*ast.BasicLit {
	var out []*ast.BasicLit
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok {
			// Package-level literals (constants, variables) are used by
			// functions; they are checked where a function is converted.
			continue
		}
		if slices.Contains(pending, name+":"+fn.Name.Name) || fn.Body == nil {
			continue
		}
		skip := map[ast.Node]bool{}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if slices.Contains(notShown, callName(n)) {
					skipArgs(n, skip)
				}
				// hearth.Errorf with an internal code is shown as an apology.
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && slices.Contains(definitionFields, k.Name) {
					skip[n.Value] = true
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING || skip[n] {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err == nil && prose.MatchString(s) && !strings.HasPrefix(s, "%") {
					out = append(out, n)
				}
			}
			return true
		})
	}
	return out
}

// skipArgs marks the string literals among a call's arguments, except the
// message of hearth.Errorf, which users read.
func skipArgs(call *ast.CallExpr, skip map[ast.Node]bool) {
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Errorf" {
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == "hearth" {
			return
		}
	}
	for _, a := range call.Args {
		ast.Inspect(a, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok {
				skip[lit] = true
			}
			return true
		})
	}
}

func callName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}
