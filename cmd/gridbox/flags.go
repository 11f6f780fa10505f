package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
)

// maxSeconds is the most --seconds play and render accept: 24 hours, as
// long as a performance script's times go (perfscript.MaxSeconds). A longer
// show plays without --seconds.
const maxSeconds = 24 * 60 * 60

// usageError reports a command-line mistake in one line, "gridbox CMD:
// message", and makes the command exit with status 2.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "gridbox %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	return errUsage
}

// secondsValue is a --seconds flag: a float64 that keeps the text it was
// given, so that a message quotes what the user wrote.
type secondsValue struct {
	v    float64
	text string
}

func (s *secondsValue) String() string {
	if s.text != "" {
		return s.text
	}
	return strconv.FormatFloat(s.v, 'g', -1, 64)
}

func (s *secondsValue) Set(text string) error {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // 1e999 is just too long
		return errors.New("not a number of seconds")
	}
	s.v, s.text = v, text
	return nil
}

// checkSeconds checks a --seconds value: a finite number from 0 to
// maxSeconds.
func checkSeconds(fs *flag.FlagSet, s *secondsValue) error {
	limit := fmt.Sprintf("%d (%.0f hours)", maxSeconds, maxSeconds/3600.0)
	switch {
	case math.IsNaN(s.v):
		return usageError(fs, "--seconds %s is not a number: give seconds from 0 to %s", s, limit)
	case s.v < 0:
		return usageError(fs, "--seconds %s is negative: give seconds from 0 to %s", s, limit)
	case s.v > maxSeconds:
		return usageError(fs, "--seconds %s is over the limit of %s", s, limit)
	}
	return nil
}

// checkRange checks that the int flag name is in lo..hi.
func checkRange(fs *flag.FlagSet, name string, v, lo, hi int, unit string) error {
	if v < lo || v > hi {
		return usageError(fs, "--%s %d is out of range: give %d to %d%s", name, v, lo, hi, unit)
	}
	return nil
}
