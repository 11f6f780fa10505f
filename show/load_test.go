package show

import (
	"testing"

	"gridbox/show/showtest"
)

// TestLoadKeepsWhatATruncatedSampleHolds: a sample cut short is a problem at
// its place in the set, and its clip plays the frames there are.
func TestLoadKeepsWhatATruncatedSampleHolds(t *testing.T) {
	set := showtest.LyingSet(t, "samples/cut.flac")
	l, err := loadSet(set, 0, memory{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := set + `:18:12: sample "samples/cut.flac": FLAC stream ends at 0.09 s of 0.20 s (truncated)`
	if len(l.Problems) != 1 || l.Problems[0].Error() != want || l.Warnings != nil {
		t.Fatalf("problems %q, warnings %q; want %q", l.Problems, l.Warnings, want)
	}
	clip := l.song.Tracks[1].Clips[0]
	if clip.Broken || clip.Sample < 0 || l.bank.Samples[clip.Sample].Frames() != 4096 {
		t.Errorf("clip broken %v, sample %d: want the 4096 frames before the cut", clip.Broken, clip.Sample)
	}
}
