//go:build portaudio

package show

import "testing"

// A replugged USB card is looked up by its name without the card number.
func TestSameCard(t *testing.T) {
	for name, want := range map[string]string{
		"USB Audio Device: - (hw:1,0)": "USB Audio Device: -",
		"default":                      "default",
		"system":                       "system",
		"Odd (hw:1,0) name":            "Odd (hw:1,0) name",
	} {
		if got := sameCard(name); got != want {
			t.Errorf("sameCard(%q) = %q, want %q", name, got, want)
		}
	}
}
