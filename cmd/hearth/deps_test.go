package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hearthbot/hearth/discordtest"
)

// TestBinary_NoTestingPackage checks that the production binary does not link
// package testing, nor the fake Discord's request validator and its
// dependencies (the demo's simulator must stay free of test helpers):
// `go list -deps ./cmd/hearth` must not name them.
func TestBinary_NoTestingPackage(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(gobin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed only %d packages: %q", len(deps), out)
	}
	for _, d := range deps {
		if d == "testing" || strings.HasPrefix(d, "testing/") || strings.HasPrefix(d, "github.com/getkin/kin-openapi") ||
			d == "github.com/hearthbot/hearth/discordtest/openapi" {
			t.Errorf("the hearth binary links %s; keep test helpers out of non-test files", d)
		}
	}
}

// TestValidation_Linked checks that where Discord's OpenAPI document is
// named, this package's fake Discord really validates against it (the
// validator is linked through openapi_test.go).
func TestValidation_Linked(t *testing.T) {
	if os.Getenv("HEARTH_DISCORD_OPENAPI") == "" {
		t.Skip("HEARTH_DISCORD_OPENAPI not set")
	}
	if !discordtest.SchemaAvailable() {
		t.Fatal("HEARTH_DISCORD_OPENAPI is set but the fake Discord has no validator")
	}
}
