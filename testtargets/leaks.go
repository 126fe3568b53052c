package testtargets

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// NoSecretIn fails t for each secret (of six characters or more: a shorter one matches by
// chance) found in console or in a file of dir, the reports of a run or a proxy session. It
// stops the test when there are fewer than minReports files or minSecrets secrets to look
// for, since a search of nothing for nothing proves nothing.
func NoSecretIn(t testing.TB, console, dir string, secrets []string, minReports, minSecrets int) {
	t.Helper()
	outputs := map[string]string{"console": console}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[filepath.Base(f)] = string(b)
	}
	if len(files) < minReports || len(secrets) < minSecrets {
		t.Fatalf("%d reports and %d secrets: the search proves nothing", len(files), len(secrets))
	}
	for _, secret := range secrets {
		if len(secret) < 6 {
			continue
		}
		for _, where := range slices.Sorted(maps.Keys(outputs)) {
			if strings.Contains(outputs[where], secret) {
				t.Errorf("%s holds the secret %.6s…", where, secret)
			}
		}
	}
}
