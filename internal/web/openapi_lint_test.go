package web

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestOpenAPILint runs the Redocly CLI (installed by make test into
// .tools/npm, path in OCOP_REDOCLY) with its recommended rules over the
// OpenAPI document: no error and no warning.
func TestOpenAPILint(t *testing.T) {
	bin := os.Getenv("OCOP_REDOCLY")
	if bin == "" {
		if os.Getenv("OCOP_TEST_REQUIRE_DB") != "" {
			t.Fatal("OCOP_REDOCLY not set (make test installs @redocly/cli)")
		}
		t.Skip("OCOP_REDOCLY not set: make test installs @redocly/cli and sets it")
	}
	cmd := exec.Command(bin, "lint", "--extends=recommended", "--format=stylish", "openapi.json")
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, " warning ") || strings.Contains(line, " error ") {
			t.Errorf("%s", strings.TrimSpace(line))
		}
	}
	if !strings.Contains(string(out), "valid") {
		t.Errorf("no verdict:\n%s", out)
	}
}
