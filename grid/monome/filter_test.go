package monome_test

import (
	"reflect"
	"testing"

	"gridbox/grid/monome"
)

func k(x, y int, down bool) monome.Key { return monome.Key{X: x, Y: y, Down: down} }

func TestFilterBounds(t *testing.T) {
	f := monome.Filter{Cols: 16, Rows: 8}
	kept, flood := f.Apply([]monome.Key{k(15, 7, true), k(16, 0, true), k(0, 8, true), k(15, 7, false)})
	if flood || !reflect.DeepEqual(kept, []monome.Key{k(15, 7, true), k(15, 7, false)}) {
		t.Errorf("kept %+v flood %v", kept, flood)
	}
	if s := f.Stats(); s.OutOfRange != 2 {
		t.Errorf("stats %+v", s)
	}
}

// Downs and Ups stay paired: a repeated Down, or an Up with no Down, is
// dropped.
func TestFilterDuplicates(t *testing.T) {
	var f monome.Filter
	kept, _ := f.Apply([]monome.Key{k(1, 1, true), k(1, 1, true), k(2, 2, false), k(1, 1, false), k(1, 1, false)})
	if !reflect.DeepEqual(kept, []monome.Key{k(1, 1, true), k(1, 1, false)}) {
		t.Errorf("kept %+v", kept)
	}
	if s := f.Stats(); s.Duplicate != 3 {
		t.Errorf("stats %+v", s)
	}
}

// Fast real playing is not a flood: four presses of one key in one chunk
// (eight events, the default Burst) pass; nine events at one coordinate do
// not, and only that coordinate is dropped.
func TestFilterBurst(t *testing.T) {
	var presses []monome.Key
	for range 4 {
		presses = append(presses, k(3, 3, true), k(3, 3, false))
	}
	var f monome.Filter
	if kept, flood := f.Apply(append([]monome.Key(nil), presses...)); flood || len(kept) != 8 {
		t.Errorf("4 presses: kept %d, flood %v", len(kept), flood)
	}
	in := append(append([]monome.Key{k(0, 0, true)}, presses...), k(3, 3, true), k(0, 0, false))
	kept, flood := f.Apply(in)
	if !flood || !reflect.DeepEqual(kept, []monome.Key{k(0, 0, true), k(0, 0, false)}) {
		t.Errorf("9 events at (3,3): kept %+v, flood %v", kept, flood)
	}
	f2 := monome.Filter{Burst: 2}
	if _, flood := f2.Apply([]monome.Key{k(1, 1, true), k(1, 1, false), k(1, 1, true)}); !flood {
		t.Error("Burst 2: 3 events not a flood")
	}
}

// Release gives every held key its Up, so pads held at unplug get note-offs.
func TestFilterRelease(t *testing.T) {
	var f monome.Filter
	f.Apply([]monome.Key{k(5, 1, true), k(255, 255, true), k(2, 0, true), k(2, 0, false), k(0, 1, true)})
	if !f.Held(5, 1) || f.Held(2, 0) || f.Held(-1, 0) || f.Held(256, 0) {
		t.Error("Held")
	}
	var ups []monome.Key
	f.Release(func(k monome.Key) { ups = append(ups, k) })
	if want := []monome.Key{k(0, 1, false), k(5, 1, false), k(255, 255, false)}; !reflect.DeepEqual(ups, want) {
		t.Errorf("Release gave %+v, want %+v", ups, want)
	}
	f.Release(func(k monome.Key) { t.Errorf("second Release gave %+v", k) })
	// After Release, a new Down is accepted.
	if kept, _ := f.Apply([]monome.Key{k(5, 1, true)}); len(kept) != 1 {
		t.Error("Down after Release dropped")
	}
}
