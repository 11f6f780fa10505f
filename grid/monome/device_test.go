package monome_test

import (
	"testing"

	"gridbox/grid/monome"
	"gridbox/grid/monome/monometest"
)

// The grid model the codec tests check the encoder against is
// monometest.Grid, the simulated grid the driver's tests also run on: it
// splits host → device bytes into messages and applies them to its own LED
// state, so a test can check that what the encoder sends makes the grid show
// the frame.

// messages splits host → device bytes into messages.
func messages(p monome.Protocol, b []byte) ([][]byte, error) { return monometest.Messages(p, b) }

// modelGrid returns a simulated grid of protocol p and size cols×rows whose
// LEDs start off.
func modelGrid(t *testing.T, p monome.Protocol, cols, rows int) *monometest.Grid {
	t.Helper()
	return monometest.New(monometest.Config{Protocol: p, Cols: cols, Rows: rows})
}

// apply writes host → device bytes to g and fails on anything g cannot
// decode.
func apply(g *monometest.Grid, b []byte) error {
	if _, err := g.Write(b); err != nil {
		return err
	}
	return g.Err()
}

// The model itself, against messages decoded by hand: each mext LED message
// kind and each series one lands where the protocol notes say.
func TestGridModelMext(t *testing.T) {
	g := modelGrid(t, monome.Mext, 16, 16)
	rows := [8]byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80} // a diagonal
	var levels [64]uint8
	for i := range levels {
		levels[i] = uint8(i % 16)
	}
	row := [8]uint8{15, 0, 1, 2, 3, 4, 5, 6}
	steps := []struct {
		name string
		b    []byte
		x, y int
		want uint8
	}{
		{"11 on", monome.AppendLEDOn(nil, 3, 4), 3, 4, 15},
		{"10 off", monome.AppendLEDOff(nil, 3, 4), 3, 4, 0},
		{"13 all on", monome.AppendAllOn(nil), 15, 15, 15},
		{"12 all off", monome.AppendAllOff(nil), 15, 15, 0},
		{"14 map diagonal", monome.AppendMap(nil, 8, 8, &rows), 8 + 5, 8 + 5, 15},
		{"14 map off the diagonal", nil, 8 + 5, 8 + 4, 0},
		{"15 row bit 7", monome.AppendRow(nil, 0, 5, 0x81), 7, 5, 15},
		{"16 col bit 0", monome.AppendCol(nil, 2, 8, 0x01), 2, 8, 15},
		{"18 level", monome.AppendLevel(nil, 15, 7, 9), 15, 7, 9},
		{"19 level all", monome.AppendLevelAll(nil, 2), 0, 0, 2},
		{"1A high nibble first", monome.AppendLevelMap(nil, 0, 8, &levels), 0, 8, 0},
		{"1A low nibble second", nil, 1, 8, 1},
		{"1A last key", nil, 7, 15, 15},
		{"1B row", monome.AppendLevelRow(nil, 8, 3, &row), 8, 3, 15},
		{"1B row 3rd", nil, 10, 3, 1},
		{"1C col", monome.AppendLevelCol(nil, 1, 0, &row), 1, 7, 6},
		{"17 intensity changes no LED", monome.AppendIntensity(nil, 3), 1, 7, 6},
	}
	for _, s := range steps {
		if err := apply(g, s.b); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := g.Level(s.x, s.y); got != s.want {
			t.Errorf("%s: (%d,%d) shows %d, want %d", s.name, s.x, s.y, got, s.want)
		}
	}
	if err := apply(g, []byte{0xFF}); err == nil {
		t.Error("an unknown header was not reported")
	}
}

func TestGridModelSeries(t *testing.T) {
	g := modelGrid(t, monome.Series, 16, 16)
	rows := [8]byte{0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80}
	steps := []struct {
		name string
		b    []byte
		x, y int
		want uint8
	}{
		{"20 on", monome.AppendSeriesLED(nil, 3, 4, true), 3, 4, 15},
		{"30 off", monome.AppendSeriesLED(nil, 3, 4, false), 3, 4, 0},
		{"91 all on", monome.AppendSeriesClear(nil, true), 15, 15, 15},
		{"90 all off", monome.AppendSeriesClear(nil, false), 15, 15, 0},
		{"83 quadrant 3", monome.AppendSeriesFrame(nil, 3, &rows), 8 + 6, 8 + 6, 15},
		{"83 off the diagonal", nil, 8 + 6, 8 + 5, 0},
		{"A7 intensity changes no LED", monome.AppendSeriesIntensity(nil, 7), 8 + 6, 8 + 6, 15},
	}
	for _, s := range steps {
		if err := apply(g, s.b); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := g.Level(s.x, s.y); got != s.want {
			t.Errorf("%s: (%d,%d) shows %d, want %d", s.name, s.x, s.y, got, s.want)
		}
	}
	if err := apply(g, monome.HandshakeRequest()); err == nil {
		t.Error("mext requests sent to a series grid were not reported")
	}
}
