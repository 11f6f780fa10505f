package sets

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxInputChannel is the highest channel a track's input may name,
// counting from 1. A device may have fewer; the player checks.
const MaxInputChannel = 64

// ParseInput reads a track's input as a set file writes it: "none", one
// channel such as "1", or a stereo pair of neighbouring channels such as
// "1-2" or "3-4", counting from 1 to MaxInputChannel. Case and spaces
// around the words do not matter. The error says what is wrong with s
// without quoting it: "3 channels; a track takes at most 2: …".
func ParseInput(s string) (Input, error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "none") {
		return Input{}, nil
	}
	lo, hi, pair := strings.Cut(t, "-")
	a, okA := channelNumber(lo)
	b, okB := channelNumber(hi)
	switch {
	case !okA || pair && !okB:
		return Input{}, errInputSyntax
	case a < 1 || pair && b < 1:
		return Input{}, errors.New("channels count from 1")
	case a > MaxInputChannel:
		return Input{}, fmt.Errorf("channel %s is out of range 1..%d", strings.TrimSpace(lo), MaxInputChannel)
	case pair && b > MaxInputChannel:
		return Input{}, fmt.Errorf("channel %s is out of range 1..%d", strings.TrimSpace(hi), MaxInputChannel)
	case !pair:
		return Input{First: a - 1, Channels: 1}, nil
	case a == b:
		return Input{}, fmt.Errorf("one channel is written %q", strconv.Itoa(a))
	case b < a:
		return Input{}, fmt.Errorf("write the lower channel first: %q", strconv.Itoa(b)+"-"+strconv.Itoa(a))
	case b > a+1:
		return Input{}, fmt.Errorf(`%d channels; a track takes at most 2: one, such as "1", or a stereo pair, such as "1-2"`, b-a+1)
	}
	return Input{First: a - 1, Channels: 2}, nil
}

var errInputSyntax = errors.New(`expected "none", a channel such as "1", or a stereo pair such as "1-2"`)

// channelNumber reads the decimal digits of a channel number, spaces
// around them allowed; numbers too long for a channel read as more than
// MaxInputChannel.
func channelNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 4 {
		return MaxInputChannel + 1, true
	}
	n, _ := strconv.Atoi(s) // "" (all zeros) is 0
	return n, true
}
