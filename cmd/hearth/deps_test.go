package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinary_NoTestingPackage checks that the production binary does not link
// package testing (the demo's Discord simulator must stay free of test
// helpers): `go list -deps ./cmd/hearth` must not name it.
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
		if d == "testing" || strings.HasPrefix(d, "testing/") {
			t.Errorf("the hearth binary links %s; keep test helpers out of non-test files", d)
		}
	}
}
