package config

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestParse_Golden: the full report for testdata/bad.toml, a config with
// every kind of problem at once, is exactly testdata/bad.golden (what
// `gridbox check` prints). Run with -update to rewrite it, then review the
// diff.
func TestParse_Golden(t *testing.T) {
	data, err := os.ReadFile("testdata/bad.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("bad.toml", data)
	if c != nil || err == nil {
		t.Fatalf("Parse(bad.toml) = %v, %v; want nil and errors", c, err)
	}
	got := err.Error() + "\n"
	if *update {
		if err := os.WriteFile("testdata/bad.golden", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/bad.golden")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Parse(bad.toml) errors:\n%s\nwant (testdata/bad.golden):\n%s", got, want)
	}
}
