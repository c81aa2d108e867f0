package interop

// The Go SDK's own gocheck suites (Debian's 1.5.0, the *_test.go files shipped in
// /usr/share/gocode/src/github.com/aliyun/aliyun-oss-go-sdk/oss), compiled by
// tests/interop/go/run into $OSS_SDK_TEST_BIN and run against fake-oss.
//
// Contract: every test the binary lists (-check.list) is in sdkTests, either to run or
// excluded with a reason; a test the table does not name fails this suite, so a new SDK
// version cannot add tests silently. Each excluded test is also named in
// docs/compatibility.md. The suites run one process per group, each against its own fake-oss
// (the SDK names fixed buckets), several groups at a time: each suite's SetUpSuite sleeps
// 5 s, which would otherwise add up. The SDK reads OSS_TEST_ENDPOINT,
// OSS_TEST_ACCESS_KEY_ID and OSS_TEST_ACCESS_KEY_SECRET; it resolves no host name when they
// point at 127.0.0.1. It runs with TZ=Asia/Shanghai: 1.5.0 trusts no upload checkpoint in a
// zone with offset 0 (docs/compatibility.md).

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// Reasons a test of the SDK's suites is not run. Each is one line in docs/compatibility.md.
const (
	run = ""

	whyRestore      = "out of scope: Archive storage and RestoreObject"
	whyReferer      = "out of scope: bucket referer"
	whyLogging      = "out of scope: bucket logging"
	whyWebsite      = "out of scope: bucket website"
	whyCORS         = "out of scope: bucket CORS"
	whySpaceKey     = "SDK 1.5.0 bug: a space in a key is sent as '+' in the path but signed as a space (SignatureDoesNotMatch; OSS reads '+' in a path as '+')"
	whyRealHost     = "resolves a non-loopback host name (never done here)"
	whyPortSuffix   = "appends \":80\" to OSS_TEST_ENDPOINT, which assumes an endpoint without a port; with one, the SDK looks up the host name BUCKET.127.0.0.1:PORT"
	whyProxy        = "needs an HTTP proxy (OSS_TEST_PROXY_HOST)"
	whyRoot         = "writes /root/123abc9874 and expects that to fail; as root it succeeds and writes outside the test's directory"
	whyTmp          = "downloads to /tmp/ and leaves /tmp/.temp behind, outside the test's directory"
	whySample       = "asserts the multipart ETag of the original sample JPEG, which Debian's package drops (the runner writes a stand-in of the same size)"
	whyWindowsPaths = "returns at once unless D:\\tmp\\bigfile.zip exists: it tests nothing here"
)

// sdkTests classifies every test of the SDK's suites.
var sdkTests = map[string]string{
	"OssBucketSuite.TestPutObject":                  run,
	"OssBucketSuite.TestPutObjectType":              run,
	"OssBucketSuite.TestPutObjectKeyChars":          whySpaceKey,
	"OssBucketSuite.TestPutObjectNegative":          run,
	"OssBucketSuite.TestPutObjectFromFile":          run,
	"OssBucketSuite.TestPutObjectFromFileType":      run,
	"OssBucketSuite.TestGetObject":                  run,
	"OssBucketSuite.TestGetObjectToWriterNegative":  whyRoot,
	"OssBucketSuite.TestGetObjectToFile":            run,
	"OssBucketSuite.TestListObjects":                run,
	"OssBucketSuite.TestListObjectsEncodingType":    whySpaceKey,
	"OssBucketSuite.TestIsObjectExist":              run,
	"OssBucketSuite.TestDeleteObject":               run,
	"OssBucketSuite.TestDeleteObjects":              whySpaceKey,
	"OssBucketSuite.TestSetObjectMeta":              run,
	"OssBucketSuite.TestGetObjectMeta":              run,
	"OssBucketSuite.TestGetObjectDetailedMeta":      run,
	"OssBucketSuite.TestSetAndGetObjectAcl":         run,
	"OssBucketSuite.TestSetAndGetObjectAclNegative": run,
	"OssBucketSuite.TestCopyObject":                 run,
	"OssBucketSuite.TestCopyObjectToOrFrom":         run,
	"OssBucketSuite.TestCopyObjectToOrFromNegative": run,
	"OssBucketSuite.TestAppendObject":               run,
	"OssBucketSuite.TestAddContentType":             run,
	"OssBucketSuite.TestGetConfig":                  run,
	"OssBucketSuite.TestSTSTonekNegative":           whyRealHost,
	"OssBucketSuite.TestUploadBigFile":              whyWindowsPaths,
	"OssBucketSuite.TestSymlink":                    run,
	"OssBucketSuite.TestRestoreObject":              whyRestore,

	"OssClientSuite.TestCreateBucket":              run,
	"OssClientSuite.TestCreateBucketNegative":      run,
	"OssClientSuite.TestDeleteBucket":              run,
	"OssClientSuite.TestDeleteBucketNegative":      run,
	"OssClientSuite.TestListBucket":                run,
	"OssClientSuite.TestIsBucketExist":             run,
	"OssClientSuite.TestSetBucketAcl":              run,
	"OssClientSuite.TestBucketAclNegative":         run,
	"OssClientSuite.TestGetBucketAcl":              run,
	"OssClientSuite.TestGetBucketLocation":         run,
	"OssClientSuite.TestGetBucketLocationNegative": run,
	"OssClientSuite.TestSetBucketLifecycle":        run,
	"OssClientSuite.TestDeleteBucketLifecycle":     run,
	"OssClientSuite.TestBucketLifecycleNegative":   run,
	"OssClientSuite.TestSetBucketReferer":          whyReferer,
	"OssClientSuite.TestBucketRefererNegative":     whyReferer,
	"OssClientSuite.TestSetBucketLogging":          whyLogging,
	"OssClientSuite.TestDeleteBucketLogging":       whyLogging,
	"OssClientSuite.TestSetBucketLoggingNegative":  whyLogging,
	"OssClientSuite.TestSetBucketWebsite":          whyWebsite,
	"OssClientSuite.TestDeleteBucketWebsite":       whyWebsite,
	"OssClientSuite.TestSetBucketWebsiteNegative":  whyWebsite,
	"OssClientSuite.TestSetBucketCORS":             whyCORS,
	"OssClientSuite.TestDeleteBucketCORS":          whyCORS,
	"OssClientSuite.TestSetBucketCORSNegative":     whyCORS,
	"OssClientSuite.TestGetBucketInfo":             run,
	"OssClientSuite.TestGetBucketInfoNegative":     run,
	"OssClientSuite.TestEndpointFormat":            whyPortSuffix,
	"OssClientSuite.TestClientOption":              whyProxy,
	"OssClientSuite.TestProxy":                     whyProxy,

	"OssConnSuite.TestURLMarker":           run,
	"OssConnSuite.TestAuth":                run,
	"OssConnSuite.TestConnToolFunc":        run,
	"OssCrcSuite.TestCRCGolden":            run,
	"OssCrcSuite.TestEnableCRCAndMD5":      run,
	"OssCrcSuite.TestDisableCRCAndMD5":     run,
	"OssCrcSuite.TestSpecifyContentMD5":    run,
	"OssCrcSuite.TestAppendObjectNegative": run,

	"OssDownloadSuite.TestDownloadRoutineWithoutRecovery": run,
	"OssDownloadSuite.TestDownloadRoutineWithRecovery":    whySample,
	"OssDownloadSuite.TestDownloadOption":                 run,
	"OssDownloadSuite.TestDownloadObjectChange":           run,
	"OssDownloadSuite.TestDownloadNegative":               whyTmp,
	"OssDownloadSuite.TestDownloadWithRange":              run,
	"OssDownloadSuite.TestDownloadWithCheckoutAndRange":   run,

	"OssErrorSuite.TestCheckCRCHasCRCInResp":    run,
	"OssErrorSuite.TestCheckCRCNotHasCRCInResp": run,
	"OssErrorSuite.TestCheckCRCCNegative":       run,

	"OssCopySuite.TestCopyRoutineWithoutRecovery":         run,
	"OssCopySuite.TestCopyRoutineWithoutRecoveryNegative": run,
	"OssCopySuite.TestCopyRoutineWithRecovery":            whySample,
	"OssCopySuite.TestCopyRoutineWithRecoveryNegative":    run,
	"OssCopySuite.TestCopyFileCrossBucket":                run,

	"OssBucketMultipartSuite.TestMultipartUpload":                   run,
	"OssBucketMultipartSuite.TestMultipartUploadFromFile":           run,
	"OssBucketMultipartSuite.TestUploadPartCopy":                    run,
	"OssBucketMultipartSuite.TestListUploadedParts":                 run,
	"OssBucketMultipartSuite.TestAbortMultipartUpload":              run,
	"OssBucketMultipartSuite.TestUploadPartCopyWithConstraints":     run,
	"OssBucketMultipartSuite.TestMultipartUploadFromFileOutofOrder": run,
	"OssBucketMultipartSuite.TestUploadPartCopyOutofOrder":          run,
	"OssBucketMultipartSuite.TestMultipartUploadFromFileType":       run,
	"OssBucketMultipartSuite.TestListMultipartUploads":              run,
	"OssBucketMultipartSuite.TestListMultipartUploadsEncodingKey":   run,
	"OssBucketMultipartSuite.TestMultipartNegative":                 run,
	"OssBucketMultipartSuite.TestMultipartUploadFromFileBigFile":    whyWindowsPaths,
	"OssBucketMultipartSuite.TestUploadFile":                        run,
	"OssBucketMultipartSuite.TestUploadFileNegative":                run,
	"OssBucketMultipartSuite.TestDownloadFile":                      run,
	"OssBucketMultipartSuite.TestDownloadFileNegative":              run,

	"OssOptionSuite.TestHeaderOptions": run,
	"OssOptionSuite.TestParamOptions":  run,
	"OssOptionSuite.TestHandleOptions": run,
	"OssOptionSuite.TestHandleParams":  run,
	"OssOptionSuite.TestFindOption":    run,

	"OssProgressSuite.TestPutObject":               run,
	"OssProgressSuite.TestPutObjectNegative":       whyRealHost,
	"OssProgressSuite.TestAppendObject":            run,
	"OssProgressSuite.TestMultipartUpload":         run,
	"OssProgressSuite.TestMultipartUploadFromFile": run,
	"OssProgressSuite.TestGetObject":               run,
	"OssProgressSuite.TestGetObjectNegative":       run,
	"OssProgressSuite.TestUploadFile":              run,
	"OssProgressSuite.TestDownloadFile":            run,
	"OssProgressSuite.TestCopyFile":                run,

	"OssTypeSuite.TestConvLifecycleRule":               run,
	"OssTypeSuite.TestDecodeDeleteObjectsResult":       run,
	"OssTypeSuite.TestDecodeListObjectsResult":         run,
	"OssTypeSuite.TestDecodeListMultipartUploadResult": run,
	"OssTypeSuite.TestSortUploadPart":                  run,

	"OssUploadSuite.TestUploadRoutineWithoutRecovery":         run,
	"OssUploadSuite.TestUploadRoutineWithoutRecoveryNegative": run,
	"OssUploadSuite.TestUploadRoutineWithRecovery":            run,
	"OssUploadSuite.TestUploadRoutineWithRecoveryNegative":    run,
	"OssUploadSuite.TestUploadLocalFileChange":                run,

	"OssUtilsSuite.TestUtilsTime":      run,
	"OssUtilsSuite.TestUtilsSplitFile": run,
	"OssUtilsSuite.TestUtilsFileExt":   run,
	"OssUtilsSuite.TestGetPartEnd":     run,
	"OssUtilsSuite.TestParseRange":     run,
	"OssUtilsSuite.TestAdjustRange":    run,
}

// The buckets the SDK's suites name; each fake starts with them.
var sdkBuckets = []string{"go-sdk-test-bucket-xyz-for-object", "go-sdk-test-bucket-xyz-for-archive"}

const (
	sdkAccessKeyID     = "AKIDGOSDKSUITE"
	sdkAccessKeySecret = "go-sdk-suite-secret"
	sdkGroupLimit      = 100 * time.Second
	// The sample files the suites read from ../sample; Debian's package drops them (they were
	// downloaded from other sites), so the runner writes deterministic stand-ins of the sizes
	// the tests assert.
	sampleJPEG     = "BingWallpaper-2015-11-07.jpg"
	sampleJPEGSize = 482048
	sampleHTML     = "The Go Programming Language.html"
	sampleHTMLSize = 8 * 1024
)

func sdkTestBinary(t *testing.T) string {
	bin := os.Getenv("OSS_SDK_TEST_BIN")
	if bin == "" {
		t.Fatal("OSS_SDK_TEST_BIN is not set: tests/interop/go/run builds the SDK's test binary")
	}
	return bin
}

// listSDKTests returns the binary's tests as Suite.Test names.
func listSDKTests(t *testing.T, bin string) []string {
	cmd := exec.Command(bin, "-check.list")
	cmd.Dir = t.TempDir() // the SDK's test package creates a log file in its working directory
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -check.list: %v", bin, err)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if line = strings.TrimSpace(line); strings.Contains(line, ".Test") {
			names = append(names, line)
		}
	}
	return names
}

// writeSamples lays out dir/oss (the suites' working directory: they write and remove files
// in ../oss) and dir/sample with the sample files.
func writeSamples(t *testing.T, dir string) string {
	work := filepath.Join(dir, "oss")
	samples := filepath.Join(dir, "sample")
	for _, d := range []string{work, samples} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, size := range map[string]int{sampleJPEG: sampleJPEGSize, sampleHTML: sampleHTMLSize} {
		data := make([]byte, 0, size+sha256.Size)
		block := sha256.Sum256([]byte(name))
		for len(data) < size {
			data = append(data, block[:]...)
			block = sha256.Sum256(block[:])
		}
		file := filepath.Join(samples, name)
		if err := os.WriteFile(file, data[:size], 0o644); err != nil {
			t.Fatal(err)
		}
		// A whole-second modification time, as the suites' checkpoint tests assume (they
		// compare the length of its String() with "2015-12-17 18:43:03 +0800 CST").
		stamp := time.Date(2017, 6, 1, 12, 0, 0, 0, time.UTC)
		if err := os.Chtimes(file, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	return work
}

var resultLine = regexp.MustCompile(`^(PASS|FAIL|PANIC|MISS|SKIP|FIXTURE-PANIC|EXPECTED FAILURE):\s+\S+:\d+:\s+(\S+)`)

func TestSDKSuites(t *testing.T) {
	bin := sdkTestBinary(t)
	listed := listSDKTests(t, bin)
	if len(listed) == 0 {
		t.Fatalf("%s lists no tests", bin)
	}
	groups := map[string][]string{} // suite -> tests to run
	var excluded []string
	for _, name := range listed {
		why, known := sdkTests[name]
		switch {
		case !known:
			t.Errorf("%s is not classified in sdkTests: run it or exclude it with a reason "+
				"(and name it in docs/compatibility.md)", name)
		case why == run:
			suite := strings.SplitN(name, ".", 2)[0]
			groups[suite] = append(groups[suite], name)
		default:
			excluded = append(excluded, name)
		}
	}
	for name := range sdkTests {
		if !contains(listed, name) {
			t.Errorf("sdkTests names %s, which the SDK's suites do not have", name)
		}
	}
	checkExclusionsDocumented(t, excluded)

	suites := make([]string, 0, len(groups))
	for suite := range groups {
		suites = append(suites, suite)
	}
	sort.Strings(suites)
	var ran, passed int
	counts := make(chan [2]int, len(suites))
	t.Run("group", func(t *testing.T) {
		for _, suite := range suites {
			suite, names := suite, groups[suite]
			t.Run(suite, func(t *testing.T) {
				t.Parallel()
				n, ok := runSDKGroup(t, bin, names)
				counts <- [2]int{n, ok}
			})
		}
	})
	close(counts)
	for c := range counts {
		ran += c[0]
		passed += c[1]
	}
	t.Logf("SDK gocheck tests: %d listed, %d run, %d passed, %d excluded",
		len(listed), ran, passed, len(excluded))
}

// runSDKGroup runs the named tests in one process against a fresh fake-oss and reports how
// many ran and passed; every test that does not pass fails t with the SDK's output.
func runSDKGroup(t *testing.T, bin string, names []string) (ran, passed int) {
	fake := startFakeOSSWith(t, sdkAccessKeyID, sdkAccessKeySecret, sdkBuckets...)
	work := writeSamples(t, t.TempDir())
	quoted := make([]string, len(names))
	for i, name := range names {
		quoted[i] = regexp.QuoteMeta(name)
	}
	cmd := exec.Command(bin, "-check.v", "-check.f", "^("+strings.Join(quoted, "|")+")$")
	cmd.Dir = work
	cmd.Env = append(minimalEnv(),
		"OSS_TEST_ENDPOINT="+fake.Endpoint,
		"OSS_TEST_ACCESS_KEY_ID="+sdkAccessKeyID,
		"OSS_TEST_ACCESS_KEY_SECRET="+sdkAccessKeySecret,
		"TZ=Asia/Shanghai")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() {
		out, err = cmd.CombinedOutput()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(sdkGroupLimit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the SDK's tests did not finish within %v:\n%s", sdkGroupLimit, out)
	}
	status := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := resultLine.FindStringSubmatch(line); m != nil {
			status[m[2]] = m[1]
		}
	}
	for _, name := range names {
		ran++
		if status[name] == "PASS" {
			passed++
			continue
		}
		t.Errorf("%s: %q", name, status[name])
	}
	if t.Failed() || err != nil {
		t.Errorf("%s exited with %v; output:\n%s", filepath.Base(bin), err, out)
	}
	return ran, passed
}

// minimalEnv is the environment without proxies and without any OSS_TEST_* variable.
func minimalEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name := strings.ToUpper(strings.SplitN(kv, "=", 2)[0])
		if strings.HasPrefix(name, "OSS_") || strings.HasSuffix(name, "_PROXY") || name == "TZ" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkExclusionsDocumented requires each excluded test to be named, with its reason, in
// docs/compatibility.md.
func checkExclusionsDocumented(t *testing.T, excluded []string) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "compatibility.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, name := range excluded {
		line := fmt.Sprintf("| `%s` | %s |", name, sdkTests[name])
		if !strings.Contains(text, line) {
			t.Errorf("docs/compatibility.md lacks the row %s", line)
		}
	}
}
