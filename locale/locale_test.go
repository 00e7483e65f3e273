package locale_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

var _ hearth.Printer = locale.English

func catalogs(t *testing.T) map[locale.Lang]map[string]map[string]string {
	t.Helper()
	out := map[locale.Lang]map[string]map[string]string{}
	for _, l := range locale.Langs {
		c, err := locale.Catalog(l)
		if err != nil {
			t.Fatalf("catalog %s: %v", l, err)
		}
		if len(c) == 0 {
			t.Fatalf("catalog %s is empty", l)
		}
		out[l] = c
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{-?\s*\.(\w+)`)

func placeholders(forms map[string]string) []string {
	var out []string
	for _, text := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestCatalog_SameKeysAndPlaceholders(t *testing.T) {
	cs := catalogs(t)
	en, es := cs[locale.English], cs[locale.Spanish]
	t.Run("EveryKeyInBoth", func(t *testing.T) {
		for id := range en {
			if _, ok := es[id]; !ok {
				t.Errorf("key %q is in en.toml but not in es.toml", id)
			}
		}
		for id := range es {
			if _, ok := en[id]; !ok {
				t.Errorf("key %q is in es.toml but not in en.toml", id)
			}
		}
	})
	t.Run("SamePlaceholders", func(t *testing.T) {
		for id, forms := range en {
			if esForms, ok := es[id]; ok {
				if a, b := placeholders(forms), placeholders(esForms); !slices.Equal(a, b) {
					t.Errorf("key %q: placeholders differ: en %v, es %v", id, a, b)
				}
			}
		}
	})
	t.Run("PluralsHaveOther", func(t *testing.T) {
		for l, c := range cs {
			for id, forms := range c {
				if forms["other"] == "" {
					t.Errorf("%s: key %q has no `other` form", l, id)
				}
			}
		}
	})
	t.Run("EveryMessageRenders", func(t *testing.T) {
		for _, l := range locale.Langs {
			for id := range cs[l] {
				if got := locale.T(l, locale.Key(id), locale.Count(2)); got == id || got == "" {
					t.Errorf("%s: key %q does not render: %q", l, id, got)
				}
			}
		}
	})
}

// TestKeys_MatchCatalog checks keys.go against the catalog: a stale
// keys.go (run `go generate ./locale`) fails here.
func TestKeys_MatchCatalog(t *testing.T) {
	en := catalogs(t)[locale.English]
	f, err := parser.ParseFile(token.NewFileSet(), "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]bool{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for _, v := range vs.Values {
				id, _ := strconv.Unquote(v.(*ast.BasicLit).Value)
				consts[id] = true
			}
		}
	}
	for id := range consts {
		if _, ok := en[id]; !ok {
			t.Errorf("keys.go has %q, which no catalog has", id)
		}
	}
	for id := range en {
		if strings.HasPrefix(id, "cmd.") || strings.HasPrefix(id, "opt.") {
			continue
		}
		if !consts[id] {
			t.Errorf("catalog key %q has no constant in keys.go: run go generate ./locale", id)
		}
	}
}

func TestT(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		got := locale.T(locale.Spanish, locale.JoinAlreadyMember, locale.A("Group", "Ansiedad"))
		if got != "Ya eres miembro de **Ansiedad**." {
			t.Errorf("got %q", got)
		}
		if got := locale.English.T(locale.JoinAlreadyMember, locale.A("Group", "Anxiety")); got != "You are already a member of **Anxiety**." {
			t.Errorf("got %q", got)
		}
	})
	t.Run("UnknownLanguageIsEnglish", func(t *testing.T) {
		if got := locale.T("fr", locale.JoinAgree); got != "I agree" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("MissingKeyIsTheKey", func(t *testing.T) {
		if got := locale.T(locale.Spanish, "no.such_key"); got != "no.such_key" {
			t.Errorf("got %q", got)
		}
		if locale.Spanish.Has("no.such_key") || !locale.Spanish.Has(locale.JoinAgree) {
			t.Error("Has is wrong")
		}
	})
	t.Run("Printer", func(t *testing.T) {
		var p hearth.Printer = locale.Spanish
		if got := p.Text("join.already_member", "Group", "G"); got != "Ya eres miembro de **G**." {
			t.Errorf("got %q", got)
		}
	})
}

func TestCatalog_DefaultCrisisText(t *testing.T) {
	if got := locale.T(locale.English, locale.CrisisDefault); got != hearth.DefaultCrisisText {
		t.Errorf("crisis.default and hearth.DefaultCrisisText differ:\n%s\n%s", got, hearth.DefaultCrisisText)
	}
	for _, l := range locale.Langs {
		text := locale.T(l, locale.CrisisDefault)
		for _, n := range []string{"112", "911", "123", "/settings crisis"} {
			if !strings.Contains(text, n) {
				t.Errorf("%s default crisis text lacks %q", l, n)
			}
		}
	}
}

func TestFromDiscord(t *testing.T) {
	for in, want := range map[string]locale.Lang{
		"es-ES": locale.Spanish, "es-419": locale.Spanish, "ES-es": locale.Spanish,
		"en-US": locale.English, "en-GB": locale.English, "pt-BR": locale.English, "": locale.English, "est": locale.English,
	} {
		if got := locale.FromDiscord(in); got != want {
			t.Errorf("FromDiscord(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]locale.Lang{"en": locale.English, " ES ": locale.Spanish} {
		if got, ok := locale.Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "fr", "es-ES", "english"} {
		if _, ok := locale.Parse(in); ok {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestLang_FuncMap(t *testing.T) {
	tpl := template.Must(template.New("p").Funcs(locale.Spanish.FuncMap()).Parse(`<html lang="{{lang}}">{{t "join.already_member" "Group" .}}</html>`))
	var b bytes.Buffer
	if err := tpl.Execute(&b, "<b>G</b>"); err != nil {
		t.Fatal(err)
	}
	// The group name is escaped; the catalog's own markdown is kept.
	want := `<html lang="es">Ya eres miembro de **&lt;b&gt;G&lt;/b&gt;**.</html>`
	if b.String() != want {
		t.Errorf("got %s", b.String())
	}
}

// TestDomain_KeysExist finds every catalog key the domain (the root
// package) names — in Printer.Text calls, Msg literals and schedule
// problems: any string literal shaped like a key of one of the catalog's
// tables — and checks it is in the catalogs.
func TestDomain_KeysExist(t *testing.T) {
	en := catalogs(t)[locale.English]
	tables := map[string]bool{}
	for id := range en {
		table, _, _ := strings.Cut(id, ".")
		tables[table] = true
	}
	keyShape := regexp.MustCompile(`^[a-z_]+\.[a-z_0-9.]+$`)
	files, _ := filepath.Glob("../*.go")
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		// Function bodies only: package-level constants name job kinds and
		// audit actions, which share the shape of keys.
		ast.Inspect(f, func(node ast.Node) bool {
			if _, isGen := node.(*ast.GenDecl); isGen {
				return false
			}
			lit, ok := node.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			id, _ := strconv.Unquote(lit.Value)
			table, _, _ := strings.Cut(id, ".")
			if !keyShape.MatchString(id) || !tables[table] {
				return true
			}
			n++
			if _, ok := en[id]; !ok {
				t.Errorf("%s: key %q is not in the catalogs", path, id)
			}
			return true
		})
	}
	if n < 50 {
		t.Errorf("found %d keys in the domain: the scan is broken", n)
	}
}
