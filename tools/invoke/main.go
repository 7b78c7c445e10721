// Command invoke runs a built bootstrap under the Lambda Runtime Interface Emulator, sends it one
// event and shows the reply: for a person, the locale, brand and fallback from the function's log
// line, the subject, the SMS and the email as plain text, with the HTML written to a file it names;
// with -format json, the returned event as JSON. It backs `make invoke` and `make event`.
//
//	go run ./tools/invoke -bootstrap build/local/bootstrap -event events/verify-user-attribute-email-de.json
//	go run ./tools/invoke -bootstrap build/local/bootstrap -source ForgotPassword -locale nl -medium sms
//	go run ./tools/invoke -make-event -source ForgotPassword -locale nl -client-id abc -o -
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cognito-custom-message/internal/lambdarie"
)

// Formats are the values -format (FORMAT=) takes.
var Formats = []string{"text", "json"}

type config struct {
	bootstrap string
	// senderBootstrap runs the custom sender events (CustomEmailSender_*, CustomSMSSender_*).
	senderBootstrap string
	event           string
	eventSet        bool // -event was given on the command line
	spec            EventSpec
	eventsDir       string
	outDir          string // where the HTML and generated events go
	format          string
	logs            bool
	makeEvent       bool
	out             string // -make-event: the file to write, "-" for stdout, "" for build/events/<name>
	// emu, when set, is a running emulator to send the event to instead of starting one (tests).
	emu *lambdarie.Emulator
}

func main() {
	var c config
	flag.StringVar(&c.bootstrap, "bootstrap", "build/local/bootstrap", "the bootstrap to run")
	flag.StringVar(&c.senderBootstrap, "sender-bootstrap", "build/local/sender/bootstrap", "the custom sender's bootstrap, for CustomEmailSender_* and CustomSMSSender_* events")
	flag.StringVar(&c.event, "event", "events/verify-user-attribute-email-de.json", "the event to send")
	flag.StringVar(&c.spec.Source, "source", "", "build the event instead: trigger source (SignUp, ResendCode, ForgotPassword, UpdateUserAttribute, VerifyUserAttribute, AdminCreateUser, Authentication)")
	flag.StringVar(&c.spec.Locale, "locale", "", "with -source: the locale the app asks for (nl, pt-BR, …)")
	flag.StringVar(&c.spec.ClientID, "client-id", "", "with -source: the app client ID")
	flag.StringVar(&c.spec.Medium, "medium", "", "with -source: email or sms (default email)")
	flag.StringVar(&c.eventsDir, "events", "events", "the folder of shipped sample events that -source builds from")
	flag.StringVar(&c.outDir, "out-dir", "build/invoke", "where the reply's HTML email (and a built event) are written")
	flag.StringVar(&c.format, "format", "text", "text (for a person) or json (the returned event)")
	flag.BoolVar(&c.logs, "logs", true, "print the function's log lines to stderr")
	flag.BoolVar(&c.makeEvent, "make-event", false, "only build the event from -source, -locale, -client-id, -medium and write it to -o")
	flag.StringVar(&c.out, "o", "", "with -make-event: the file to write (- for stdout; default build/events/<name>.json)")
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { c.eventSet = c.eventSet || f.Name == "event" })
	if err := run(c, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func (c config) building() bool {
	s := c.spec
	return s.Source != "" || s.Locale != "" || s.ClientID != "" || s.Medium != ""
}

func run(c config, stdout, stderr io.Writer) error {
	if c.makeEvent {
		return makeEvent(c, stdout, stderr)
	}
	if c.format != "text" && c.format != "json" {
		return fmt.Errorf("unknown FORMAT %q: one of %s", c.format, strings.Join(Formats, ", "))
	}
	eventPath := c.event
	var payload []byte
	if sample, ok := senderSample(c.eventsDir, c.spec.Source); ok {
		if c.eventSet {
			return errors.New("EVENT names a file to send and SOURCE builds one: give one or the other")
		}
		var err error
		if payload, err = readSenderSample(sample, c.spec.Source); err != nil {
			return err
		}
		eventPath = filepath.Join(c.outDir, strings.ToLower(strings.ReplaceAll(c.spec.Source, "_", "-"))+".json")
		if err := writeFile(eventPath, payload); err != nil {
			return err
		}
	} else if c.building() {
		if c.eventSet {
			return errors.New("EVENT names a file to send and SOURCE, LOCALE, CLIENT_ID, MEDIUM build one: give one or the other")
		}
		ev, name, err := BuildEvent(c.eventsDir, c.spec)
		if err != nil {
			return err
		}
		eventPath = filepath.Join(c.outDir, name)
		if err := writeFile(eventPath, ev); err != nil {
			return err
		}
		payload = ev
	} else {
		var err error
		if payload, err = os.ReadFile(c.event); err != nil {
			return err
		}
	}

	if isSenderEvent(payload) {
		return runSender(c, eventPath, payload, stdout, stderr)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	emu := c.emu
	if emu == nil {
		rie, err := lambdarie.ToolPath(ctx)
		if err != nil {
			return err
		}
		if emu, err = lambdarie.Start(rie, c.bootstrap); err != nil {
			return err
		}
		defer emu.Stop()
	}
	before := len(emu.Logs())
	out, err := emu.Invoke(ctx, payload)
	inv, others := waitForLog(emu, before, err == nil)
	if c.logs {
		lines := others
		if c.format == "json" { // as it always printed: every line of the function's
			inv, lines = nil, allFunctionLines(emu.Logs()[before:])
		}
		for _, line := range lines {
			fmt.Fprintf(stderr, "function log: %s\n", line)
		}
	}
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSON(stdout, out)
	}

	var htmlPath string
	if r, err := decodeReply(out); err == nil && r.Response.EmailMessage != nil {
		base := strings.TrimSuffix(filepath.Base(eventPath), filepath.Ext(eventPath))
		htmlPath = filepath.Join(c.outDir, base+".html")
		if err := writeFile(htmlPath, []byte(*r.Response.EmailMessage)); err != nil {
			return err
		}
	}
	return writeText(stdout, eventPath, out, inv, htmlPath)
}

// waitForLog returns the invocation's log line. The emulator copies the function's stdout through a
// pipe, so the line may arrive just after the reply.
// Only what was written after offset before counts.
func waitForLog(emu *lambdarie.Emulator, before int, wait bool) (*invocationLog, []string) {
	inv, others := splitLogs(emu.Logs()[before:])
	for deadline := time.Now().Add(2 * time.Second); inv == nil && wait && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		inv, others = splitLogs(emu.Logs()[before:])
	}
	return inv, others
}

func allFunctionLines(output string) []string {
	var out []string
	for _, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(line, `{"time"`) {
			out = append(out, line)
		}
	}
	return out
}

// makeEvent is `make event`: it builds the event and writes it where -o says, naming the file.
func makeEvent(c config, stdout, stderr io.Writer) error {
	if c.spec.Source == "" {
		_, err := ParseSource("")
		return err
	}
	ev, name, err := BuildEvent(c.eventsDir, c.spec)
	if err != nil {
		return err
	}
	if c.out == "-" {
		_, err := stdout.Write(ev)
		return err
	}
	path := c.out
	if path == "" {
		path = filepath.Join("build", "events", name)
	}
	if err := writeFile(path, ev); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s; send it with: make invoke EVENT=%s\n", path, path)
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
