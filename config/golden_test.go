package config

import (
	"testing"

	"gridbox/internal/tomlpos/tomlpostest"
)

// TestParse_Golden: the full report for testdata/bad.toml, a config with
// every kind of problem at once, is exactly testdata/bad.golden (what
// `gridbox check` prints). Run with -update to rewrite it, then review the
// diff.
func TestParse_Golden(t *testing.T) {
	tomlpostest.Golden(t, "bad", func(file string, data []byte) error {
		c, err := Parse(file, data)
		if c != nil {
			t.Errorf("Parse(%s) returned a config next to its errors", file)
		}
		return err
	})
}
