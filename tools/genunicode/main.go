// Command genunicode writes messages/names_gen.go, the table messages.PersonName checks a name's
// characters against: which code points a name may contain, the scripts each belongs to, and which
// look like a digit. It is built from Unicode's own data rather than from hand lists:
//
//   - the Unicode Character Database (UnicodeData.txt, Scripts.txt, ScriptExtensions.txt,
//     DerivedAge.txt, PropertyValueAliases.txt), as Debian's unicode-data package installs it under
//     /usr/share/unicode (`apt-get install unicode-data`);
//   - the UTS #39 security files IdentifierStatus.txt and confusables.txt, which no Debian or npm
//     package ships as text; they are committed in messages/testdata/uts39, where the tests read them
//     too.
//
// Every input is pinned by its SHA-256, so the header of the generated file names exactly what it was
// built from, and a changed or different-version file fails the run instead of silently changing
// the table. Usage: go run ./tools/genunicode [-ucd /usr/share/unicode] [-security DIR] [-out FILE].
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// UnicodeVersion is the version of every input file.
const UnicodeVersion = "15.0.0"

// CognitoVersion is the newest Unicode version whose letters a name may use. Cognito checks each
// message against Java regular expressions (\p{L}, \p{M}...); a Java runtime that predates a
// letter classifies it as unassigned and Cognito refuses the whole message, which fails the user's
// password reset. Java 17 knows Unicode 13.
const CognitoVersion = 13.0

// sources lists the input files and their SHA-256. The UCD sums are those of Unicode 15.0.0's files
// (the same as Debian's unicode-data 15.0.0-1); the security sums are those of
// https://www.unicode.org/Public/security/15.0.0/.
var sources = []struct{ dir, name, sum string }{
	{"ucd", "UnicodeData.txt", "806e9aed65037197f1ec85e12be6e8cd870fc5608b4de0fffd990f689f376a73"},
	{"ucd", "Scripts.txt", "cca85d830f46aece2e7c1459ef1249993dca8f2e46d51e869255be140d7ea4b0"},
	{"ucd", "ScriptExtensions.txt", "7e07313d9d0bee42220c476b64485995130ae30917bbcf7780b602d677d7e33f"},
	{"ucd", "DerivedAge.txt", "7570877e0fa197c45338f7c41a02636da4e14c8dba6a3611a01cd30bf329d5ca"},
	{"ucd", "PropertyValueAliases.txt", "13a7666843abea5c6b7eb8c057c57ab9bb2ba96cfc936e204224dd67d71cafad"},
	{"security", "IdentifierStatus.txt", "fd5c5e510914a2018e092bc51ea653bd2bfcf7daa116a346f09179a0f74704b0"},
	{"security", "confusables.txt", "2b10130885c3370b101c52d7baedc452ab7f0e257b86c1e52ee657ecfc29ce64"},
}

// The exceptions to what the data alone decides. Each is a decision about names, not a gap in the
// data; keep the list short and say why.
var (
	// added are letters a name may use although UTS #39 restricts them in identifiers.
	added = map[rune]string{
		0x01C0: "LATIN LETTER DENTAL CLICK ǀ (Technical in UTS #39): a letter of Khoekhoe, Juǀʼhoan and other Khoisan names",
		0x01C1: "LATIN LETTER LATERAL CLICK ǁ: as ǀ",
		0x01C2: "LATIN LETTER ALVEOLAR CLICK ǂ: as ǀ",
		0x01C3: "LATIN LETTER RETROFLEX CLICK ǃ: as ǀ; it reads as \"!\", so PersonName lets it stand only before a letter (\"Nǃxau\", \"ǃKung\"), never where \"!\" would end a sentence",
	}
	// removed are Allowed characters a name may not use.
	removed = map[rune]string{
		0x02EC: "MODIFIER LETTER VOICING ˬ: a letter that draws only a mark (Chromium drops it too)",
		0x0971: "DEVANAGARI SIGN HIGH SPACING DOT ॱ: a raised dot that reads as punctuation",
		0x3006: "IDEOGRAPHIC CLOSING MARK 〆: a sign, not a name letter, and of no script",
	}
	// commonLetters are the only letters of no script (Common) a name may use: being of no script,
	// they pass the mixing check in any word, so every one of them is a decision.
	commonLetters = map[rune]string{
		0x02BB: "MODIFIER LETTER TURNED COMMA ʻ: the Hawaiian ʻokina (\"Hawaiʻi\")",
		0x02BC: "MODIFIER LETTER APOSTROPHE ʼ: the apostrophe of Ukrainian, Belarusian and many romanizations",
		0x30FC: "KATAKANA-HIRAGANA PROLONGED SOUND MARK ー: Japanese (its script extensions are kana only)",
	}
	// lookalikesKept are letters confusables.txt maps to a digit or to "/" that a name keeps: they are
	// letters of living alphabets in countless names, and the mixing check keeps them out of words
	// of other scripts. б and З still count as digit look-alikes (their skeletons are "6" and "3")
	// for the whole-word check.
	lookalikesKept = map[rune]string{
		0x0431: "CYRILLIC SMALL LETTER BE б (→ 6): Любовь, Глеб",
		0x0417: "CYRILLIC CAPITAL LETTER ZE З (→ 3): Зоя, Захар",
		0x30CE: "KATAKANA LETTER NO ノ (→ /): ノリコ, ノア; a slash only next to Latin, which the mixing check refuses",
	}
)

func main() {
	ucd := flag.String("ucd", "/usr/share/unicode", "folder of the Unicode "+UnicodeVersion+" UCD files (Debian: apt-get install unicode-data)")
	security := flag.String("security", "messages/testdata/uts39", "folder of the UTS #39 "+UnicodeVersion+" files IdentifierStatus.txt and confusables.txt")
	out := flag.String("out", "messages/names_gen.go", "the Go file to write")
	flag.Parse()
	src, err := Generate(*ucd, *security)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genunicode:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genunicode:", err)
		os.Exit(1)
	}
}

// files reads every source after checking its checksum.
func files(ucd, security string) (map[string][]byte, error) {
	m := map[string][]byte{}
	for _, s := range sources {
		dir := ucd
		if s.dir == "security" {
			dir = security
		}
		path := filepath.Join(dir, s.name)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != s.sum {
			return nil, fmt.Errorf("%s: SHA-256 %s; want %s (Unicode %s's file)", path, got, s.sum, UnicodeVersion)
		}
		m[s.name] = b
	}
	return m, nil
}

// fields calls fn for every data line of a UCD-format file: fields split at ";" and trimmed,
// comments dropped, the first field parsed as a code point or a range.
func fields(b []byte, fn func(lo, hi rune, f []string) error) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimPrefix(sc.Text(), "\ufeff")
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, ";")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		first, last, _ := strings.Cut(f[0], "..")
		if last == "" {
			last = first
		}
		lo, err1 := strconv.ParseUint(first, 16, 32)
		hi, err2 := strconv.ParseUint(last, 16, 32)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad code point in %q", sc.Text())
		}
		if err := fn(rune(lo), rune(hi), f); err != nil {
			return err
		}
	}
	return sc.Err()
}

func codePoints(s string) ([]rune, error) {
	var rs []rune
	for _, h := range strings.Fields(s) {
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return nil, fmt.Errorf("bad code point %q", h)
		}
		rs = append(rs, rune(v))
	}
	return rs, nil
}

const maxRune = 0x10FFFF

// ucdData is what the generator needs to know of each code point.
type ucdData struct {
	gc        []string   // General_Category
	decomp    [][]rune   // canonical decomposition mapping (one step)
	compat    []bool     // the mapping is a compatibility one (<tag>)
	script    []string   // Script (long names)
	scx       [][]string // Script_Extensions (long names), nil when it is just Script
	age       []float64  // Age; 0 = unassigned
	allowed   []bool     // Identifier_Status=Allowed
	confusion map[rune][]rune
}

func parse(m map[string][]byte) (*ucdData, error) {
	d := &ucdData{
		gc: make([]string, maxRune+1), decomp: make([][]rune, maxRune+1), compat: make([]bool, maxRune+1),
		script: make([]string, maxRune+1), scx: make([][]string, maxRune+1), age: make([]float64, maxRune+1),
		allowed: make([]bool, maxRune+1), confusion: map[rune][]rune{},
	}
	for i := range d.gc {
		d.gc[i] = "Cn"
		d.script[i] = "Unknown"
	}
	var first rune = -1
	err := fields(m["UnicodeData.txt"], func(lo, _ rune, f []string) error {
		if len(f) < 6 {
			return fmt.Errorf("UnicodeData.txt: short line for %04X", lo)
		}
		switch {
		case strings.HasSuffix(f[1], ", First>"):
			first = lo
			return nil
		case strings.HasSuffix(f[1], ", Last>"):
			for r := first; r <= lo; r++ {
				d.gc[r] = f[2]
			}
			return nil
		}
		d.gc[lo] = f[2]
		if dm := f[5]; dm != "" {
			if strings.HasPrefix(dm, "<") {
				d.compat[lo] = true
				dm = dm[strings.IndexByte(dm, '>')+1:]
			}
			rs, err := codePoints(dm)
			if err != nil {
				return err
			}
			d.decomp[lo] = rs
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	short := map[string]string{} // Script_Extensions uses the short names ("Latn"), Scripts.txt the long
	for _, line := range strings.Split(string(m["PropertyValueAliases.txt"]), "\n") {
		if f := strings.Split(line, ";"); len(f) >= 3 && strings.TrimSpace(f[0]) == "sc" {
			short[strings.TrimSpace(f[1])] = strings.TrimSpace(f[2])
		}
	}
	set := func(name string, fn func(lo, hi rune, f []string) error) error {
		if err := fields(m[name], fn); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	if err := set("Scripts.txt", func(lo, hi rune, f []string) error {
		for r := lo; r <= hi; r++ {
			d.script[r] = f[1]
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := set("ScriptExtensions.txt", func(lo, hi rune, f []string) error {
		var long []string
		for _, s := range strings.Fields(f[1]) {
			l, ok := short[s]
			if !ok {
				return fmt.Errorf("unknown script %q", s)
			}
			long = append(long, l)
		}
		for r := lo; r <= hi; r++ {
			d.scx[r] = long
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := set("DerivedAge.txt", func(lo, hi rune, f []string) error {
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return err
		}
		for r := lo; r <= hi; r++ {
			d.age[r] = v
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := set("IdentifierStatus.txt", func(lo, hi rune, f []string) error {
		for r := lo; r <= hi; r++ {
			d.allowed[r] = f[1] == "Allowed"
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := set("confusables.txt", func(lo, _ rune, f []string) error {
		rs, err := codePoints(f[1])
		if err != nil {
			return err
		}
		d.confusion[lo] = rs
		return nil
	}); err != nil {
		return nil, err
	}
	return d, nil
}

// nfd is the full canonical decomposition of r (the UCD's mappings applied until none is left;
// Hangul syllables, which have no mapping there, stay whole: no name rule looks inside them).
func (d *ucdData) nfd(r rune) []rune {
	if dm := d.decomp[r]; dm != nil && !d.compat[r] {
		var out []rune
		for _, x := range dm {
			out = append(out, d.nfd(x)...)
		}
		return out
	}
	return []rune{r}
}

// nfkd is the full compatibility decomposition of r.
func (d *ucdData) nfkd(r rune) []rune {
	if dm := d.decomp[r]; dm != nil {
		var out []rune
		for _, x := range dm {
			out = append(out, d.nfkd(x)...)
		}
		return out
	}
	return []rune{r}
}

// skeleton is UTS #39's skeleton of one code point: NFD, each character replaced by its prototype
// in confusables.txt, NFD again.
func (d *ucdData) skeleton(r rune) []rune {
	var mapped []rune
	for _, x := range d.nfd(r) {
		if p, ok := d.confusion[x]; ok {
			mapped = append(mapped, p...)
		} else {
			mapped = append(mapped, x)
		}
	}
	var out []rune
	for _, x := range mapped {
		out = append(out, d.nfd(x)...)
	}
	return out
}

func (d *ucdData) letterOrMark(r rune) bool { return d.gc[r][0] == 'L' || d.gc[r][0] == 'M' }

// Class flags: the generated nameClass.flags.
const (
	flagMark      = 1 << iota // a combining mark: belongs to the letter before it
	flagDigitLike             // its skeleton is a digit's: "O", "l", "З"
	flagLigature              // stands for more than one letter ("Æ" → "AE"): never an initial
)

type class struct {
	flags   uint8
	scripts uint64
}

// Generate builds the Go source of the table from the files in the two folders.
func Generate(ucd, security string) ([]byte, error) {
	m, err := files(ucd, security)
	if err != nil {
		return nil, err
	}
	d, err := parse(m)
	if err != nil {
		return nil, err
	}

	// Skeletons of the ASCII digits: a letter whose skeleton is one of these reads as a digit.
	digitSkeletons := map[string]bool{}
	for r := '0'; r <= '9'; r++ {
		digitSkeletons[string(d.skeleton(r))] = true
	}
	// symbolLike: the skeleton shows a digit, or ASCII punctuation or a symbol other than the
	// apostrophe (which the ʻokina, ʼ and Hebrew yod resemble, and which names use).
	symbolLike := func(r rune) bool {
		for _, x := range d.skeleton(r) {
			if x < 0x80 && x != '\'' && !('a' <= x && x <= 'z' || 'A' <= x && x <= 'Z') {
				return true
			}
		}
		return false
	}
	candidate := func(r rune) bool {
		if _, ok := added[r]; ok {
			return true
		}
		if !d.allowed[r] || d.age[r] == 0 || d.age[r] > CognitoVersion || !d.letterOrMark(r) {
			return false
		}
		if _, ok := removed[r]; ok {
			return false
		}
		if d.script[r] == "Common" && d.gc[r][0] == 'L' {
			if _, ok := commonLetters[r]; !ok {
				return false
			}
		}
		if _, ok := lookalikesKept[r]; !ok && symbolLike(r) {
			return false
		}
		return true
	}
	// The scripts a name's letters belong to, and for each Inherited mark without explicit script
	// extensions, the scripts whose letters it is part of (é = e + U+0301): a mark no letter of a
	// script is made of — U+0338's slash overlay, above all — has no business after that script's
	// letters.
	scriptsOfLetters := map[string]bool{}
	markUse := map[rune]map[string]bool{}
	for r := rune(0); r <= maxRune; r++ {
		if !candidate(r) || d.gc[r][0] != 'L' || d.script[r] == "Common" {
			continue
		}
		scriptsOfLetters[d.script[r]] = true
		for _, s := range d.scx[r] {
			scriptsOfLetters[s] = true
		}
		for _, x := range d.nfd(r)[1:] {
			if markUse[x] == nil {
				markUse[x] = map[string]bool{}
			}
			markUse[x][d.script[r]] = true
		}
	}
	names := make([]string, 0, len(scriptsOfLetters)+3)
	for s := range scriptsOfLetters {
		names = append(names, s)
	}
	slices.Sort(names)
	// UTS #39's augmented script sets: Han writes Japanese (with the kana), Korean (with Hangul) and
	// Chinese with Bopomofo, so those pairs resolve to one writing system.
	names = append(names, "Jpan", "Kore", "Hanb")
	if len(names) > 64 {
		return nil, fmt.Errorf("%d scripts do not fit a 64-bit set", len(names))
	}
	bit := map[string]uint64{}
	for i, s := range names {
		bit[s] = 1 << i
	}
	augment := map[string][]string{"Han": {"Jpan", "Kore", "Hanb"}, "Hiragana": {"Jpan"}, "Katakana": {"Jpan"}, "Hangul": {"Kore"}, "Bopomofo": {"Hanb"}}
	all := uint64(1)<<len(names) - 1
	setOf := func(ss []string) uint64 {
		var b uint64
		for _, s := range ss {
			b |= bit[s]
			for _, a := range augment[s] {
				b |= bit[a]
			}
		}
		return b
	}

	classOf := func(r rune) (class, bool) {
		if !candidate(r) {
			return class{}, false
		}
		var c class
		switch {
		case d.scx[r] != nil:
			c.scripts = setOf(d.scx[r])
		case d.script[r] == "Common":
			c.scripts = all
		case d.script[r] == "Inherited":
			var ss []string
			for s := range markUse[r] {
				ss = append(ss, s)
			}
			c.scripts = setOf(ss)
		default:
			c.scripts = setOf([]string{d.script[r]})
		}
		if c.scripts == 0 {
			return class{}, false
		}
		if d.gc[r][0] == 'M' {
			c.flags |= flagMark
		}
		if digitSkeletons[string(d.skeleton(r))] {
			c.flags |= flagDigitLike
		}
		letters := func(rs []rune) (n int) {
			for _, x := range rs {
				if d.gc[x][0] == 'L' {
					n++
				}
			}
			return n
		}
		if letters(d.nfkd(r)) > 1 || letters(d.skeleton(r)) > 1 {
			c.flags |= flagLigature
		}
		return c, true
	}

	// Ranges of consecutive code points of one class (0 = not in a name).
	classes := []class{{}}
	index := map[class]int{}
	var starts []uint32
	prev := -1
	for r := rune(0); r <= maxRune; r++ {
		i := 0
		if c, ok := classOf(r); ok {
			var seen bool
			if i, seen = index[c]; !seen {
				i = len(classes)
				index[c] = i
				classes = append(classes, c)
			}
		}
		if i != prev {
			starts = append(starts, uint32(r)<<8|uint32(i))
			prev = i
		}
	}
	if len(classes) > 256 {
		return nil, fmt.Errorf("%d classes do not fit a byte", len(classes))
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./tools/genunicode. DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "// Source: Unicode %s — the UCD files UnicodeData.txt, Scripts.txt, ScriptExtensions.txt,\n", UnicodeVersion)
	fmt.Fprintf(&b, "// DerivedAge.txt and PropertyValueAliases.txt (Debian package unicode-data %s-1), and UTS #39's\n", UnicodeVersion)
	fmt.Fprintf(&b, "// IdentifierStatus.txt and confusables.txt (messages/testdata/uts39), each checked by its SHA-256\n")
	fmt.Fprintf(&b, "// in tools/genunicode. Letters and marks assigned after Unicode %.1f are left out.\n\n", CognitoVersion)
	fmt.Fprintf(&b, "package messages\n\n")
	fmt.Fprintf(&b, "// nameUnicodeVersion is the version of the Unicode data the table was built from.\n")
	fmt.Fprintf(&b, "const nameUnicodeVersion = %q\n\n", UnicodeVersion)
	fmt.Fprintf(&b, "// The scripts of nameClass.scripts, one bit each; Jpan, Kore and Hanb are UTS #39's\n// augmented sets (Han with kana, with Hangul, with Bopomofo).\nconst (\n")
	for i, s := range names {
		fmt.Fprintf(&b, "\tscript%s scriptSet = 1 << %d\n", strings.ReplaceAll(s, "_", ""), i)
	}
	fmt.Fprintf(&b, "\tscriptsAll scriptSet = 1<<%d - 1\n)\n\n", len(names))
	fmt.Fprintf(&b, "// nameClasses are the kinds of characters a name may use; index 0 is every other character.\n")
	fmt.Fprintf(&b, "var nameClasses = [...]nameClass{\n")
	for i, c := range classes {
		var ss []string
		if c.scripts == all {
			ss = []string{"scriptsAll"}
		} else {
			for j, s := range names {
				if c.scripts&(1<<j) != 0 {
					ss = append(ss, "script"+strings.ReplaceAll(s, "_", ""))
				}
			}
		}
		var fs []string
		for _, f := range []struct {
			bit  uint8
			name string
		}{{flagMark, "nameMark"}, {flagDigitLike, "nameDigitLike"}, {flagLigature, "nameLigature"}} {
			if c.flags&f.bit != 0 {
				fs = append(fs, f.name)
			}
		}
		scripts, flags := strings.Join(ss, " | "), strings.Join(fs, " | ")
		if scripts == "" {
			scripts = "0"
		}
		if flags == "" {
			flags = "0"
		}
		fmt.Fprintf(&b, "\t/* %d */ {scripts: %s, flags: %s},\n", i, scripts, flags)
	}
	fmt.Fprintf(&b, "}\n\n")
	fmt.Fprintf(&b, "// nameRanges are sorted: each entry is a first code point << 8 | its nameClasses index, which\n// holds up to the next entry's code point.\n")
	fmt.Fprintf(&b, "var nameRanges = [...]uint32{\n")
	for i, s := range starts {
		if i%6 == 0 {
			b.WriteString("\t")
		}
		fmt.Fprintf(&b, "0x%06X<<8 | %d,", s>>8, s&0xFF)
		if i%6 == 5 || i == len(starts)-1 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
	fmt.Fprintf(&b, "}\n")
	return format.Source(b.Bytes())
}
