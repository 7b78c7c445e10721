// Command invoke runs a built bootstrap under the Lambda Runtime Interface Emulator, sends it one
// event and prints the returned event. It backs `make invoke`.
//
//	go run ./tools/invoke -bootstrap build/local/bootstrap -event events/verify-user-attribute-email-de.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"cognito-custom-message/internal/lambdarie"
)

func main() {
	bootstrap := flag.String("bootstrap", "build/local/bootstrap", "the bootstrap to run")
	event := flag.String("event", "events/verify-user-attribute-email-de.json", "the event to send")
	logs := flag.Bool("logs", true, "print the function's log lines to stderr")
	flag.Parse()
	if err := run(*bootstrap, *event, *logs); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func run(bootstrap, event string, showLogs bool) error {
	payload, err := os.ReadFile(event)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rie, err := lambdarie.ToolPath(ctx)
	if err != nil {
		return err
	}
	emu, err := lambdarie.Start(rie, bootstrap)
	if err != nil {
		return err
	}
	defer emu.Stop()
	reply, err := emu.Invoke(ctx, payload)
	if showLogs {
		for _, line := range bytes.Split([]byte(emu.Logs()), []byte("\n")) {
			if bytes.HasPrefix(line, []byte(`{"time"`)) {
				fmt.Fprintf(os.Stderr, "function log: %s\n", line)
			}
		}
	}
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, reply, "", "  "); err != nil {
		return fmt.Errorf("reply is not JSON: %w: %s", err, reply)
	}
	pretty.WriteByte('\n')
	_, err = pretty.WriteTo(os.Stdout)
	return err
}
