package virtual_test

import (
	"slices"
	"testing"

	"gridbox/grid/virtual"
	"gridbox/perfscript"
)

// TestNamesAgreeWithPerfscript: the names a script's button lines may give
// (perfscript owns the list, as it imports no grid) are exactly the
// virtual controller's, in the same order.
func TestNamesAgreeWithPerfscript(t *testing.T) {
	if got, want := virtual.Names(), perfscript.ButtonNames(); !slices.Equal(got, want) {
		t.Fatalf("virtual.Names() = %v\nperfscript.ButtonNames() = %v", got, want)
	}
}
