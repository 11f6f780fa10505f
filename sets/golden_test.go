package sets

import (
	"testing"

	"gridbox/internal/tomlpos/tomlpostest"
)

// TestParse_Golden: the full report for a file with many problems is exactly
// testdata/bad.golden (what `gridbox check` prints). Run with -update to
// rewrite it, then review the diff.
func TestParse_Golden(t *testing.T) {
	tomlpostest.Golden(t, "bad", func(file string, data []byte) error {
		set, err := Parse(file, data)
		if set != nil {
			t.Errorf("Parse(%s) returned a set next to its errors", file)
		}
		return err
	})
}
