package interop

// Starts the real fake-oss binary for a test and talks to its control API.
//
// Contract: startFakeOSS spawns `$FAKE_OSS_BIN --host 127.0.0.1 --port 0 ...` with signature
// checking on, waits (bounded) for the first stdout line `fake-oss listening on
// http://HOST:PORT` and for GET /_fake/health, and stops the process (SIGTERM, then SIGKILL
// after a bounded wait) when the test ends. A missing binary, an early exit or a wrong first
// line fail the test with the binary's path and everything it printed.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	accessKeyID     = "AKIDGOINTEROP"
	accessKeySecret = "go-interop-secret-key"
	startupLimit    = 15 * time.Second
	stopLimit       = 5 * time.Second
	controlLimit    = 10 * time.Second
)

var listeningLine = regexp.MustCompile(`^fake-oss listening on (http://127\.0\.0\.1:\d+)$`)

// fakeOSS is one running fake-oss process.
type fakeOSS struct {
	Endpoint string // http://127.0.0.1:PORT, as printed by the fake
	cmd      *exec.Cmd
	output   *syncBuffer
	exited   chan struct{}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func fakeOSSBinary(t testing.TB) string {
	bin := os.Getenv("FAKE_OSS_BIN")
	if bin == "" {
		t.Fatal("FAKE_OSS_BIN is not set: run this suite through ctest (label interop) or " +
			"tests/interop/go/run FAKE_OSS_BIN BUILD_DIR")
	}
	if info, err := os.Stat(bin); err != nil || info.Mode()&0o111 == 0 {
		t.Fatalf("fake-oss binary not found or not executable at %s (build it first)", bin)
	}
	return bin
}

// startFakeOSS starts a fake-oss serving `buckets` (at least one) to the driver's key pair
// and stops it at cleanup.
func startFakeOSS(t testing.TB, buckets ...string) *fakeOSS {
	t.Helper()
	return startFakeOSSWith(t, accessKeyID, accessKeySecret, buckets...)
}

// startFakeOSSWith is startFakeOSS with a key pair of the caller's.
func startFakeOSSWith(t testing.TB, keyID, keySecret string, buckets ...string) *fakeOSS {
	t.Helper()
	bin := fakeOSSBinary(t)
	args := []string{"--host", "127.0.0.1", "--port", "0",
		"--access-key-id", keyID, "--access-key-secret", keySecret,
		"--seed", "1"}
	for _, b := range buckets {
		args = append(args, "--bucket", b)
	}
	cmd := exec.Command(bin, args...)
	output := &syncBuffer{}
	cmd.Stderr = output
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	f := &fakeOSS{cmd: cmd, output: output, exited: make(chan struct{})}
	first := make(chan string, 1)
	go func() {
		reader := bufio.NewReader(stdout)
		line, _ := reader.ReadString('\n')
		first <- strings.TrimRight(line, "\r\n")
		io.Copy(output, reader) // keeps the pipe drained until the process exits
	}()
	go func() {
		cmd.Wait()
		close(f.exited)
	}()
	t.Cleanup(f.stop)

	select {
	case line := <-first:
		m := listeningLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s %s: first stdout line is %q, want \"fake-oss listening on "+
				"http://127.0.0.1:PORT\"\n--- output ---\n%s", bin, strings.Join(args, " "), line,
				output.String())
		}
		f.Endpoint = m[1]
	case <-time.After(startupLimit):
		t.Fatalf("%s: no listening line within %v\n--- output ---\n%s", bin, startupLimit,
			output.String())
	}
	if err := f.control("GET", "health", nil, nil); err != nil {
		t.Fatalf("fake-oss printed its endpoint but GET /_fake/health failed: %v", err)
	}
	return f
}

func (f *fakeOSS) stop() {
	select {
	case <-f.exited:
		return
	default:
	}
	f.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-f.exited:
	case <-time.After(stopLimit):
		f.cmd.Process.Kill()
		<-f.exited
	}
}

var controlClient = &http.Client{Timeout: controlLimit,
	Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}

// control performs one control-API call; a status outside 2xx is an error naming the call.
func (f *fakeOSS) control(method, route string, body, out interface{}) error {
	var payload io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.Endpoint+"/_fake/"+route, payload)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := controlClient.Do(req)
	if err != nil {
		return fmt.Errorf("fake-oss %s /_fake/%s: %w", method, route, err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("fake-oss %s /_fake/%s -> %d: %s", method, route, resp.StatusCode, text)
	}
	if out != nil && len(text) > 0 {
		return json.Unmarshal(text, out)
	}
	return nil
}

// journalEntry is one request the fake served (GET /_fake/journal).
type journalEntry struct {
	Sequence   int64           `json:"sequence"`
	Method     string          `json:"method"`
	Operation  string          `json:"operation"`
	Bucket     string          `json:"bucket"`
	Key        string          `json:"key"`
	UploadID   string          `json:"uploadId"`
	PartNumber int             `json:"partNumber"`
	Status     int             `json:"status"`
	ErrorCode  string          `json:"errorCode"`
	Bytes      int64           `json:"bytes"`
	Fault      json.RawMessage `json:"fault"`
}

func (e journalEntry) faulted() bool {
	return len(e.Fault) > 0 && string(e.Fault) != "null"
}

func (f *fakeOSS) journal(t testing.TB) []journalEntry {
	t.Helper()
	var answer struct {
		Entries []journalEntry `json:"entries"`
	}
	if err := f.control("GET", "journal", nil, &answer); err != nil {
		t.Fatal(err)
	}
	return answer.Entries
}

// faultRule is one rule of a fault plan (docs/faults.md).
type faultRule struct {
	Match  map[string]interface{} `json:"match"`
	Action map[string]interface{} `json:"action"`
	Times  interface{}            `json:"times,omitempty"`
}

func (f *fakeOSS) installFaults(t testing.TB, rules ...faultRule) string {
	t.Helper()
	var answer struct {
		ID string `json:"id"`
	}
	plan := map[string]interface{}{"seed": 1, "rules": rules}
	if err := f.control("POST", "faults", plan, &answer); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.control("DELETE", "faults/"+answer.ID, nil, nil) })
	return answer.ID
}

type ruleAccounting struct {
	Matched   int         `json:"matched"`
	Fired     int         `json:"fired"`
	Remaining interface{} `json:"remaining"`
}

func (f *fakeOSS) faultAccounting(t testing.TB, id string) []ruleAccounting {
	t.Helper()
	var answer struct {
		Rules []ruleAccounting `json:"rules"`
	}
	if err := f.control("GET", "faults/"+id, nil, &answer); err != nil {
		t.Fatal(err)
	}
	return answer.Rules
}
