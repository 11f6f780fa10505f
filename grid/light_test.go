package grid

import "testing"

func TestLightText(t *testing.T) {
	for l, want := range map[Light]string{
		Off:                               "off",
		{Mode: Flash}:                     "off",
		{Color: Color{R: 255, G: 128}}:    "ff8000",
		{Color: Color{B: 1}, Mode: Flash}: "000001/flash",
		{Color: Color{R: 16, G: 160}, Mode: Pulse}: "10a000/pulse",
	} {
		if got := l.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", l, got, want)
		}
	}
}
