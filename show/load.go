package show

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gridbox/audio"
	"gridbox/audio/codec"
	"gridbox/engine"
	"gridbox/sequencer"
	"gridbox/sets"
)

// A loaded set is everything play and render need: the parsed set, the
// engine's bank of decoded samples and the sequencer's song.
type loaded struct {
	File     string // the set's path as the user gave it
	Set      *sets.Set
	Problems []error // sample problems; the rest of the set still plays
	Warnings []error // samples that play as they are but should be fixed (a misnamed file)
	Samples  int     // distinct sample files decoded
	Seconds  float64 // their total length
	Bytes    int64   // memory their samples take when the set plays: whole ones, and the preloads of streamed ones
	Streamed int     // samples that stream from disk as they play
	Reused   int     // samples taken from the version before (a reload) as they were
	// Takes is where this session's takes are saved (sets.SaveTakes): the
	// set's NAME.takes.toml, laid over the set when it loaded, or when that
	// did not parse, a spare one (see readTakes).
	Takes string

	// What saving the takes compares the session with (takesave.go): the
	// set file as read, without its takes (Set is own with takes laid
	// over), the takes laid over it (nil: none), and the path as written
	// of each bank sample index ("" for one no clip or zone names).
	path    string // the set file as given to loadSet; swapIn does not rename it
	own     *sets.Set
	takes   *sets.Takes
	samples []string
	index   map[string]int32 // bank index by sample path (sets.SampleRef.Path), usable ones only
	slots   *takeSlots       // where Set's clips are, once takesOf needs it
	conv    map[convKey]sets.Clip
	lost    map[convKey]bool // clips takesOf could not convert (written as emptied slots)
	// takesBroken are the problems of a takes file that could not be
	// read (not a sample's): a reload that lays the session's takes
	// instead of reading it keeps reporting them.
	takesBroken []error
	untold      []string // of those, what the saver has not reported yet

	bank  *engine.Bank
	fonts []*engine.SoundFont // per instrument of Set: its SoundFont, nil for samplers and unusable ones
	ports *portNames          // numbers the MIDI instruments' ports (nil: none, a check)
	song  *sequencer.Song
	ring  int // frames of a stream's ring (0: the engine's default)
	files []io.Closer
	// decoded holds the samples decoded (or opened to stream) by sample
	// path, with the file they came from, so that a reload of the set
	// (loadSet's prev) takes those whose file has not changed as they are.
	decoded map[string]*decoded
}

// decoded is one sample file as a loaded set holds it: whole (buf), or
// streamed (src and its open file, buf its preload).
type decoded struct {
	info     fs.FileInfo // the file when it was read
	buf      *audio.Buffer
	src      audio.Source
	file     io.Closer
	problems []codec.Problem
}

// unchanged reports whether the sample file now described by info is
// still the one d was read from: the same file (not one renamed over it),
// of the same size, not written since.
func (d *decoded) unchanged(info fs.FileInfo) bool {
	return info != nil && os.SameFile(d.info, info) && d.info.Size() == info.Size() && d.info.ModTime().Equal(info.ModTime())
}

// Close closes the files the set's streamed samples read from; only after
// the player is done with them.
func (l *loaded) Close() {
	for _, f := range l.files {
		f.Close()
	}
	l.files = nil
}

// Disk streaming: a long sample (longer than streamMin and than twice the
// preload) that only audio clips play (none of them ram = true) streams
// from disk as it plays; the preload (its first frames) stays in memory so
// that a clip starts at once. Others (drum hits, loops of a few bars,
// instruments' samples) are decoded whole into memory.
const (
	defaultPreload = time.Second
	streamMin      = 10 * time.Second
)

// streamable reports, for each distinct sample path of set (see
// sets.Set.Samples), whether it may stream: only clips play it, and none
// holds it in memory.
func streamable(set *sets.Set) map[string]bool {
	ok := map[string]bool{}
	dir := path.Dir(set.File)
	for _, t := range set.Tracks {
		for _, c := range t.Clips {
			if c.Sample == "" {
				continue
			}
			p := path.Join(dir, c.Sample)
			if v, seen := ok[p]; !seen || v {
				ok[p] = !c.RAM
			}
		}
	}
	for _, in := range set.Instruments {
		for _, z := range in.Zones {
			ok[path.Join(dir, z.Sample)] = false
		}
	}
	return ok
}

// streamSample opens the sample name in fsys to stream it at rate with
// mem's preload: a long WAV or AIFF file (mem.streams) is read where it is;
// a compressed file of at least spoolMin bytes is decoded into a temporary
// file first (codec.Spool: bounded memory), and read from there. It
// returns a nil Source (and no error) for a file that is to be decoded
// whole instead: a short one, or one it cannot read (decoding it whole
// then says why).
func streamSample(fsys fs.FS, name string, rate int, mem memory) (src audio.Source, pre *audio.Buffer, problems []codec.Problem, f io.Closer, err error) {
	if mem.ram {
		return nil, nil, nil, nil, nil
	}
	file, err := fsys.Open(name)
	if err != nil {
		return nil, nil, nil, nil, nil
	}
	st, err := file.Stat()
	ra, ok := file.(io.ReaderAt)
	if err != nil || !ok || !st.Mode().IsRegular() {
		file.Close()
		return nil, nil, nil, nil, nil
	}
	pf, err := codec.OpenPCM(ra, st.Size(), name)
	f = file
	if err == nil {
		problems = pf.Problems()
	} else {
		file.Close()
		if !errors.Is(err, codec.ErrNotPCM) || st.Size() < spoolMin {
			return nil, nil, nil, nil, nil
		}
		sp, spProblems, err := codec.Spool(fsys, name, spoolDir())
		if err != nil {
			return nil, nil, nil, nil, nil
		}
		pf, f, problems = sp.PCMFile, sp, spProblems
	}
	if rate <= 0 { // checking: at the file's own rate
		rate = pf.Rate()
	}
	src = audio.NewResampler(pf, pf.Rate(), rate)
	if !mem.streams(src.Frames(), rate) {
		f.Close()
		return nil, nil, nil, nil, nil
	}
	preload := mem.preloadFrames(rate)
	pre = &audio.Buffer{Rate: rate, Channels: src.Channels()}
	var n int
	if src == audio.Source(pf) && pf.Bits() == 16 && !pf.Float() {
		pre.PCM16 = audio.MakePCM16(preload * pre.Channels) // exact, half the memory
		n, err = pf.ReadPCM16(pre.PCM16, 0)
	} else {
		pre.Data = audio.MakeSamples(preload * pre.Channels)
		n, err = src.ReadFrames(pre.Data, 0)
	}
	if err != nil || n < preload {
		f.Close()
		audio.Free(pre)
		if err == nil {
			err = io.ErrUnexpectedEOF // the file shrank since it was opened
		}
		return nil, nil, nil, nil, fmt.Errorf("codec: %q: reading its first %d frames: %w", name, preload, err)
	}
	if mem.wrap != nil {
		src = mem.wrap(src)
	}
	return src, pre, problems, f, nil
}

// readThrough reads src to its end, and says whether it could.
func readThrough(src audio.Source) error {
	buf := make([]float32, 1<<16*src.Channels())
	for at := int64(0); at < src.Frames(); {
		n, err := src.ReadFrames(buf, at)
		if err != nil && err != io.EOF {
			return err
		}
		if n == 0 {
			return fmt.Errorf("it ends at frame %d of %d", at, src.Frames())
		}
		at += int64(n)
	}
	return nil
}

// spoolMin is the size from which a compressed sample is taken for a long
// one and spooled to disk to stream (1 MiB: a minute of MP3 at 128 kbit/s,
// some 10 s of FLAC). Smaller ones are decoded whole into memory.
const spoolMin = 1 << 20

// spoolDir returns the folder for decoded copies of long compressed
// samples: the user's cache folder (on disk, where /tmp may be in memory),
// else /var/tmp. The copies have no name there: they vanish with the
// process, however it ends.
func spoolDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		dir = filepath.Join(dir, "gridbox")
		if os.MkdirAll(dir, 0o700) == nil {
			return dir
		}
	}
	return "/var/tmp"
}

// machineBudget returns how much memory a set's decoded samples may take:
// half of the machine's RAM, so the rest of the system (and a reload) still
// fits; 0 when unknown (no limit). It is read from the system when a set is
// first loaded, so no other command pays for it.
var machineBudget = sync.OnceValue(func() int64 { return memTotal() / 2 })

// memTotal returns the machine's RAM in bytes, from /proc/meminfo, or 0.
func memTotal() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	var kb int64
	for _, line := range strings.Split(string(data), "\n") {
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	return 0
}

// megabytes formats n bytes for a musician.
func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// loadSet loads the set at file, decodes every sample (resampled to rate when
// rate > 0) and builds the bank and song. A set whose text has problems is an
// error (sets.Errors naming file, line and column); samples that cannot be
// used are listed in problems and their clips and zones become silent, so
// the rest of the set still plays. A sample that is cut short (or whose
// header claims more than the file holds) is a problem too, but plays what
// decoded; a sample named as another format is a warning and plays.
//
// prev, when not nil, is the version of the set playing now (a reload):
// samples whose file has not changed since prev read it are taken from
// prev as they are (the same buffers and streams), not decoded again.
//
// cur, when not nil, are the takes to lay over the set instead of reading
// its takes file: those of the session playing prev (a reload of the same
// set, whose takes the session holds, saved or not), or the takes last
// handed over to be saved for file (a set played before, whose takes
// file may not hold them yet). The new version saves them in cur.File
// (prev's takes file when empty).
func loadSet(file string, rate int, mem memory, prev *loaded, cur *sets.Takes) (*loaded, error) {
	return load(file, rate, false, mem, prev, cur)
}

// memory says how samples are held: the preload of a streamed one (0: the
// default) and its ring (frames streamed ahead; 0: the engine's default),
// or every one whole (ram); and, from Env, the budget of decoded samples
// (0: machineBudget) and a wrapper of streamed sources (tests).
type memory struct {
	preload time.Duration
	ring    int
	ram     bool
	budget  int64
	wrap    func(audio.Source) audio.Source
	// ports numbers the MIDI outputs MIDI instruments play on, for the
	// whole run (nil: a check, which plays nothing).
	ports *portNames
	// inputs is how many audio input channels the engine takes (0: none;
	// audio tracks then do not record); with inputsAsSet, at least as many
	// as the set's audio tracks use (play: the device gets that many).
	inputs      int
	inputsAsSet bool
	capture     int // the engine's capture ring, in words (0: newShow's)
}

// memory returns e's part of a memory.
func (e *Env) memory() memory {
	return memory{budget: e.SampleBudget, wrap: e.WrapStream, capture: e.CaptureWords}
}

// preloadFrames returns the preload at rate, in frames.
func (m memory) preloadFrames(rate int) int {
	d := m.preload
	if d <= 0 {
		d = defaultPreload
	}
	return int(d.Seconds() * float64(rate))
}

// streams reports whether a sample of frames frames at rate that may
// stream (see streamable) is long enough to.
func (m memory) streams(frames int64, rate int) bool {
	return !m.ram && frames > max(2*int64(m.preloadFrames(rate)), int64(streamMin.Seconds()*float64(rate)))
}

// checkSet is loadSet for reporting only (Check): problems in the text do
// not stop it from decoding every sample the set names, so that all
// problems are found in one run. Its result has no bank or song when the
// text has problems. The caller closes it.
func checkSet(e *Env, file string) (*loaded, error) { return load(file, 0, true, e.memory(), nil, nil) }

func load(file string, rate int, check bool, mem memory, prev *loaded, cur *sets.Takes) (*loaded, error) {
	root, err := os.OpenRoot(filepath.Dir(file))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	defer root.Close()
	fsys := root.FS()
	load := sets.Load
	if check {
		load = sets.Check
	}
	set, err := load(fsys, filepath.Base(file))
	var errs sets.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			e.File = file
		}
	}
	if set == nil {
		if err == nil {
			err = fmt.Errorf("%s: not loaded", file)
		}
		return nil, err
	}
	l := &loaded{File: file, Set: set, ring: mem.ring, path: file, own: set}
	textOK := true
	type place struct {
		file string
		pos  sets.Pos
	}
	bad := map[place]bool{} // places already reported: their samples are not decoded again
	for _, e := range errs {
		l.Problems = append(l.Problems, e)
		bad[place{e.File, e.Pos}] = true
		textOK = textOK && e.Sample()
	}
	var takesProblems []error
	if cur != nil && prev != nil {
		l.takes, l.Takes = cur, cur.File
		if l.Takes == "" {
			l.Takes = prev.Takes
		}
		if l.Takes == prev.Takes {
			takesProblems = prev.takesBroken
		}
		set, l.Warnings = layTakes(set, cur, l.Takes)
	} else {
		set, l.takes, takesProblems, l.Warnings, l.Takes = readTakes(fsys, file, filepath.Base(file), set)
	}
	l.Set = set
	for _, e := range takesProblems {
		if se, ok := e.(*sets.Error); !ok || !se.Sample() {
			l.takesBroken = append(l.takesBroken, e)
		}
	}
	for _, e := range takesProblems {
		l.Problems = append(l.Problems, e)
		if se, ok := e.(*sets.Error); ok {
			bad[place{se.File, se.Pos}] = true
		}
	}

	// Decode each distinct sample once, in parallel: decoding and resampling
	// happen here, off the audio path.
	refs := set.Samples()
	index := map[string]int32{}
	var paths []string
	for _, r := range refs {
		if bad[place{sampleFile(set, file, r), r.Pos}] {
			continue
		}
		if _, ok := index[r.Path]; !ok {
			index[r.Path] = int32(len(paths))
			paths = append(paths, r.Path)
		}
	}
	bufs := make([]*audio.Buffer, len(paths))
	streams := make([]audio.Source, len(paths))
	files := make([]io.Closer, len(paths))
	errsByPath := make([]error, len(paths))
	problemsByPath := make([][]codec.Problem, len(paths))
	infos := make([]fs.FileInfo, len(paths))
	reused := make([]bool, len(paths))
	stream := streamable(set)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			info, err := fs.Stat(fsys, p) // before reading: a change while it is read is seen by the next reload
			if err == nil && info.Mode().IsRegular() {
				infos[i] = info
			}
			if d := prev.reusable(p, infos[i], stream[p]); d != nil {
				bufs[i], streams[i], files[i], problemsByPath[i], reused[i] = d.buf, d.src, d.file, d.problems, true
				return
			}
			if stream[p] {
				src, pre, problems, f, err := streamSample(fsys, p, rate, mem)
				if err == nil && src != nil && check {
					// Read to its end as play would, a chunk at a time,
					// so that checking a long sample does not hold it.
					err = readThrough(src)
				}
				if src != nil || err != nil {
					bufs[i], streams[i], files[i], errsByPath[i], problemsByPath[i] = pre, src, f, err, problems
					return
				}
			}
			b, problems, err := codec.LoadFile(fsys, p)
			if err == nil && b.Frames() == 0 {
				err = errors.New("the file holds no audio")
			}
			if err == nil && rate > 0 && b.Rate != rate {
				r := audio.Resample(b, rate)
				audio.Free(b) // the original is no longer needed
				b = r
			}
			bufs[i], errsByPath[i], problemsByPath[i] = b, err, problems
		}()
	}
	wg.Wait()
	l.decoded = map[string]*decoded{}
	for i, p := range paths {
		if reused[i] {
			l.Reused++
		}
		if bufs[i] != nil && infos[i] != nil && errsByPath[i] == nil {
			l.decoded[p] = &decoded{info: infos[i], buf: bufs[i], src: streams[i], file: files[i], problems: problemsByPath[i]}
		}
	}
	for i, f := range files {
		if f != nil {
			l.files = append(l.files, f)
		} else {
			streams[i] = nil
		}
	}
	reported := map[string]bool{}
	for _, r := range refs {
		i, ok := index[r.Path]
		if !ok || bad[place{sampleFile(set, file, r), r.Pos}] || reported[r.Path] {
			continue
		}
		reported[r.Path] = true // at the first place that names the sample
		at := func(format string, a ...any) error {
			return &sets.Error{File: sampleFile(set, file, r), Pos: r.Pos, Msg: fmt.Sprintf(format, a...)}
		}
		if err := errsByPath[i]; err != nil {
			msg := strings.TrimPrefix(err.Error(), fmt.Sprintf("codec: %q: ", r.Path))
			l.Problems = append(l.Problems, at("sample %q: %s", r.Sample, msg))
		}
		for _, p := range problemsByPath[i] {
			switch p.Kind {
			case codec.Misnamed:
				l.Warnings = append(l.Warnings, at("warning: sample %q is %s; it plays, but rename it", r.Sample, p.Msg))
			default:
				l.Problems = append(l.Problems, at("sample %q: %s", r.Sample, p.Msg))
			}
		}
	}
	l.bank = &engine.Bank{}
	l.samples = make([]string, len(paths))
	for _, r := range refs {
		if i, ok := index[r.Path]; ok && l.samples[i] == "" {
			l.samples[i] = r.Sample
		}
	}
	l.index = map[string]int32{} // usable samples only
	for p, i := range index {
		if bufs[i] != nil {
			l.index[p] = i
		}
	}
	for i, b := range bufs {
		if b == nil { // keep indices stable: an unusable sample is a silent one
			b = &audio.Buffer{Rate: max(rate, 1), Channels: 1}
		} else {
			l.Samples++
			size := int64(4*len(b.Data) + 2*len(b.PCM16))
			if streams[i] != nil {
				l.Seconds += float64(streams[i].Frames()) / float64(b.Rate)
				l.Streamed++
			} else {
				l.Seconds += b.Duration().Seconds()
			}
			l.Bytes += size
		}
		bufs[i] = b
	}
	l.bank.Samples = bufs
	fontProblems, fontBytes := []error(nil), int64(0)
	l.fonts, fontProblems, fontBytes = loadSoundFonts(set, file, fsys, l.bank)
	l.Problems = append(l.Problems, fontProblems...)
	l.Bytes += fontBytes
	budget := mem.budget
	if budget == 0 {
		budget = machineBudget()
	}
	if budget > 0 && l.Bytes > budget {
		err := fmt.Errorf("%s: the samples take %s of memory once decoded; this machine allows %s (half its RAM): use fewer or shorter samples, 16-bit WAV (stored at half the size of other formats), or let long ones stream (no ram = true)",
			file, megabytes(l.Bytes), megabytes(budget))
		if !check {
			unload(l, prev) // a reload's new samples: the running version keeps its own
			return nil, err
		}
		l.Problems = append(l.Problems, err)
		textOK = false
	}
	if l.Streamed > 0 {
		l.bank.Streams = streams
	}
	sortProblems(l.Problems, file)
	sortProblems(l.Warnings, file)
	if !textOK {
		return l, nil // check only: the set is not fit to play
	}
	l.ports = mem.ports
	l.song = buildSong(set, l.bank, l.sampleOf, l.fonts, l.ports.number)
	l.song.Metronome.Instrument = addClick(l.bank, rate)
	return l, nil
}

// sampleOf returns the bank index of the sample a clip or zone of l's set
// names as sample, or -1 when it is not in the bank or unusable.
func (l *loaded) sampleOf(sample string) int32 {
	if i, ok := l.index[path.Join(path.Dir(l.own.File), sample)]; ok {
		return i
	}
	return -1
}

// reusable returns how l holds the sample at path, if a set loading after
// it can take it as it is: the file (now info) has not changed, and it is
// held whole or may still stream. Nil when l is nil.
func (l *loaded) reusable(path string, info fs.FileInfo, stream bool) *decoded {
	if l == nil {
		return nil
	}
	d := l.decoded[path]
	if d == nil || !d.unchanged(info) || (d.src != nil && !stream) {
		return nil
	}
	return d
}

// sortProblems sorts set errors by file, the set at file's first then its
// takes file's, and by position in each; others keep their order.
func sortProblems(errs []error, file string) {
	slices.SortStableFunc(errs, func(a, b error) int {
		var ea, eb *sets.Error
		if !errors.As(a, &ea) || !errors.As(b, &eb) {
			return 0
		}
		if ea.File != eb.File {
			if ea.File == file || eb.File == file {
				return cmpBool(ea.File != file, eb.File != file)
			}
			return strings.Compare(ea.File, eb.File)
		}
		return comparePos(a, b)
	})
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// comparePos orders set errors by position; others keep their order.
func comparePos(a, b error) int {
	var ea, eb *sets.Error
	if !errors.As(a, &ea) || !errors.As(b, &eb) {
		return 0
	}
	if ea.Pos.Line != eb.Pos.Line {
		return ea.Pos.Line - eb.Pos.Line
	}
	return ea.Pos.Col - eb.Pos.Col
}

// buildSong resolves set into the sequencer's terms: gains in linear units,
// durations in beats, samples and instruments as bank indices (it also fills
// bank.Instruments); fonts are the soundfont instruments' (loadSoundFonts),
// port the number of a midi instrument's port (portNames.number).
func buildSong(set *sets.Set, bank *engine.Bank, sampleOf func(string) int32, fonts []*engine.SoundFont, port func(string) int16) *sequencer.Song {
	bpb := set.BeatsPerBar()
	beats := func(d sets.Duration) sequencer.Beats { return sequencer.Beats(d.Beats(bpb)) }
	instrIndex := map[string]int32{}
	for ii, in := range set.Instruments {
		var ei engine.Instrument
		if ii < len(fonts) {
			ei.SoundFont = fonts[ii]
		}
		if in.Kind == "midi" {
			ei.MIDI = &engine.MIDIOut{Port: port(in.Port), Channel: uint8(max(in.Channel, 1) - 1)}
		}
		for _, z := range in.Zones {
			s := sampleOf(z.Sample)
			if s < 0 {
				continue
			}
			ei.Zones = append(ei.Zones, engine.Zone{
				Low: uint8(z.Low), High: uint8(z.High), Root: uint8(z.Root),
				Sample: s, Gain: engine.DBToGain(z.Gain), Gate: z.Gate,
			})
		}
		instrIndex[in.Name] = int32(len(bank.Instruments))
		bank.Instruments = append(bank.Instruments, ei)
	}
	song := &sequencer.Song{
		Tempo:       set.Tempo,
		BeatsPerBar: sequencer.Beats(bpb),
		Quantize:    beats(set.Quantize),
		Seed:        1,
		Scenes:      make([]sequencer.Scene, len(set.Scenes)),
		Record: sequencer.RecordSettings{
			CountIn:  beats(set.Record.CountIn),
			Quantize: beats(set.Record.Quantize),
			Length:   beats(set.Record.Length),
		},
		Metronome: sequencer.Metronome{
			Instrument: -1, // addClick
			Accent:     clickAccentKey,
			Beat:       clickBeatKey,
			Gain:       engine.DBToGain(set.Record.MetronomeVolume),
			On:         set.Record.Metronome,
		},
		MaxTake: sequencer.Beats(set.Record.MaxTake) * sequencer.Beats(bpb),
	}
	for i, sc := range set.Scenes {
		song.Scenes[i] = sequencer.Scene{Name: sc.Name, Tempo: sc.Tempo}
	}
	for _, t := range set.Tracks {
		st := sequencer.Track{
			Name:         t.Name,
			Gain:         engine.DBToGain(t.Volume),
			Pan:          float32(t.Pan),
			Instrument:   -1,
			Clips:        make([]*sequencer.Clip, len(set.Scenes)),
			Input:        sequencer.Input{First: t.Input.First, Channels: t.Input.Channels},
			Monitor:      monitors[t.Monitor],
			OverdubLevel: float32(t.OverdubLevel),
		}
		if i, ok := instrIndex[t.Instrument]; ok {
			st.Instrument = i
		}
		for _, c := range t.Clips {
			sc := &sequencer.Clip{
				Sample:   -1,
				Loop:     c.Loop,
				Length:   beats(c.Length),
				Gain:     engine.DBToGain(c.Gain),
				Launch:   launchModes[c.Launch],
				Legato:   c.Legato,
				LoopFade: c.LoopFade / 1000,
			}
			if c.Quantize != nil {
				sc.HasQuantize, sc.Quantize = true, beats(*c.Quantize)
			}
			if f := c.Follow; f != nil {
				sc.Follow = &sequencer.Follow{After: beats(f.After), Action: followActions[f.Action], Other: followActions[f.Other], Chance: f.Chance}
			}
			if c.IsNotes() {
				for _, n := range c.Notes {
					sc.Notes = append(sc.Notes, sequencer.Note{At: sequencer.Beats(n.At), Len: sequencer.Beats(n.Len), Key: uint8(n.Key), Vel: uint8(n.Vel)})
				}
				slices.SortStableFunc(sc.Notes, func(a, b sequencer.Note) int { return compareBeats(a.At, b.At) })
				if st.Instrument < 0 {
					sc.Broken = true
				}
			} else {
				sc.Sample = sampleOf(c.Sample)
				if sc.Sample < 0 {
					sc.Broken = true
				} else {
					sc.SampleFrames = bank.Frames(sc.Sample)
					sc.Source = bank.Samples[sc.Sample] // the same buffer while its file is unchanged
				}
			}
			if c.Scene >= 0 && c.Scene < len(st.Clips) {
				st.Clips[c.Scene] = sc
			}
		}
		song.Tracks = append(song.Tracks, st)
	}
	return song
}

func compareBeats(a, b sequencer.Beats) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var launchModes = map[sets.LaunchMode]sequencer.LaunchMode{
	sets.Trigger: sequencer.Trigger, sets.Gate: sequencer.Gate, sets.Toggle: sequencer.Toggle, sets.Repeat: sequencer.Repeat,
}

var followActions = map[sets.FollowAction]sequencer.FollowAction{
	sets.FollowNone: sequencer.FollowNone, sets.Next: sequencer.Next, sets.Previous: sequencer.Previous,
	sets.First: sequencer.First, sets.Last: sequencer.Last, sets.Any: sequencer.Any,
	sets.Other: sequencer.Other, sets.Again: sequencer.Again, sets.Stop: sequencer.Stop,
}

func formatTempo(bpm float64) string {
	if bpm == math.Trunc(bpm) {
		return fmt.Sprintf("%.0f BPM", bpm)
	}
	return fmt.Sprintf("%g BPM", bpm)
}

// monitors maps a set's monitor key to the sequencer's.
var monitors = map[sets.Monitor]sequencer.Monitoring{
	sets.MonitorAuto: sequencer.MonitorAuto,
	sets.MonitorIn:   sequencer.MonitorIn,
	sets.MonitorOff:  sequencer.MonitorOff,
}

// inputsOfSet returns how many input channels set's audio tracks use.
func inputsOfSet(set *sets.Set) int {
	n := 0
	for _, t := range set.Tracks {
		if t.Input.Channels > 0 {
			n = max(n, t.Input.First+t.Input.Channels)
		}
	}
	return n
}
