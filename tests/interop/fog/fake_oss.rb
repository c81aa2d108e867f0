# frozen_string_literal: true

# Starts the real fake-oss binary for one test and talks to its control API.
#
# Contract: FakeOss.start spawns `$FAKE_OSS_BIN --host 127.0.0.1 --port 0 ...` with signature
# checking on, waits (bounded) for the first stdout line `fake-oss listening on
# http://127.0.0.1:PORT` and for GET /_fake/health, and returns a handle; #stop sends SIGTERM,
# then SIGKILL after a bounded wait. A missing binary, an early exit or a wrong first line
# raise with the binary's path and everything it printed. Control calls raise naming the call
# and the status when the fake answers outside 2xx.
#
# Loopback only: LoopbackGuard makes every Excon socket and every Net::HTTP connection of the
# process refuse any address but 127.0.0.1, so no test can resolve or reach another host.

require 'json'
require 'net/http'
require 'timeout'

module LoopbackGuard
  # Prepended to Excon::Socket: the connect target must be the loopback address.
  module ExconSocket
    def connect
      host = @data[:proxy] ? @data[:proxy][:hostname] : @data[:hostname]
      raise "loopback guard: Excon asked to connect to #{host.inspect}" unless host == '127.0.0.1'

      super
    end
  end

  # Prepended to Net::HTTP: the connect target must be the loopback address.
  module NetHttp
    def connect
      raise "loopback guard: Net::HTTP asked to connect to #{address.inspect}" unless address == '127.0.0.1'

      super
    end
  end

  def self.install
    Excon::Socket.prepend(ExconSocket)
    Net::HTTP.prepend(NetHttp)
  end
end

class FakeOss
  ACCESS_KEY_ID = 'AKIDFOGINTEROP'
  ACCESS_KEY_SECRET = 'fog-interop-secret-key'
  STARTUP_LIMIT_S = 15
  STOP_LIMIT_S = 5
  LISTENING_LINE = %r{\Afake-oss listening on http://127\.0\.0\.1:(\d+)\z}.freeze

  attr_reader :port

  def self.binary
    bin = ENV.fetch('FAKE_OSS_BIN', '')
    if bin.empty?
      raise 'FAKE_OSS_BIN is not set: run this suite through ctest (label interop) or ' \
            'FAKE_OSS_BIN=build/release/bin/fake-oss ruby tests/interop/fog/storage_test.rb'
    end
    raise "fake-oss binary not found or not executable at #{bin} (build it first)" unless File.executable?(bin)

    bin
  end

  def self.start(*buckets)
    bin = binary
    args = ['--host', '127.0.0.1', '--port', '0', '--access-key-id', ACCESS_KEY_ID,
            '--access-key-secret', ACCESS_KEY_SECRET, '--seed', '1']
    buckets.each { |b| args.push('--bucket', b) }
    out_r, out_w = IO.pipe
    err_r, err_w = IO.pipe
    pid = Process.spawn(bin, *args, in: File::NULL, out: out_w, err: err_w)
    out_w.close
    err_w.close
    new(pid, out_r, err_r, "#{bin} #{args.join(' ')}")
  end

  def initialize(pid, out, err, command)
    @pid = pid
    @output = +''
    @mutex = Mutex.new
    @drain = [Thread.new { drain(err) }]
    first = first_line(out, command)
    @drain << Thread.new { drain(out) }
    match = LISTENING_LINE.match(first)
    unless match
      fail_start(command, "first stdout line is #{first.inspect}, want \"fake-oss listening on " \
                          'http://127.0.0.1:PORT"')
    end
    @port = Integer(match[1])
    control(:get, 'health')
  end

  # Stops the process: SIGTERM, then SIGKILL after STOP_LIMIT_S.
  def stop
    return if @pid.nil?

    begin
      Process.kill('TERM', @pid)
      Timeout.timeout(STOP_LIMIT_S) { Process.wait(@pid) }
    rescue Timeout::Error
      Process.kill('KILL', @pid)
      Process.wait(@pid)
    rescue Errno::ESRCH, Errno::ECHILD
      nil
    end
    @pid = nil
    @drain.each { |t| t.join(STOP_LIMIT_S) }
  end

  def output
    @mutex.synchronize { @output.dup }
  end

  # Entries of GET /_fake/journal (hashes with string keys: method, operation, key, status...).
  def journal
    control(:get, 'journal')['entries']
  end

  # Installs a fault plan (docs/faults.md) and returns its id.
  def install_faults(plan)
    control(:post, 'faults', plan)['id']
  end

  def fault_accounting(id)
    control(:get, "faults/#{id}")
  end

  # In-progress multipart uploads as GET /_fake/uploads lists them.
  def uploads
    control(:get, 'uploads')
  end

  # One control call; returns the parsed JSON body (nil when empty).
  def control(method, route, body = nil)
    http = Net::HTTP.new('127.0.0.1', @port)
    http.open_timeout = 10
    http.read_timeout = 10
    request = (method == :get ? Net::HTTP::Get : Net::HTTP::Post).new("/_fake/#{route}")
    if body
      request['Content-Type'] = 'application/json'
      request.body = JSON.generate(body)
    end
    response = http.request(request)
    unless response.code.to_i.between?(200, 299)
      raise "fake-oss #{method.upcase} /_fake/#{route} -> #{response.code}: #{response.body}"
    end

    response.body.nil? || response.body.empty? ? nil : JSON.parse(response.body)
  end

  private

  def drain(io)
    io.each_line { |line| @mutex.synchronize { @output << line } }
  rescue IOError
    nil
  end

  def first_line(out, command)
    line = +''
    deadline = Time.now + STARTUP_LIMIT_S
    until line.end_with?("\n")
      left = deadline - Time.now
      fail_start(command, "no listening line within #{STARTUP_LIMIT_S} s") if left <= 0 || !out.wait_readable(left)
      chunk = out.read_nonblock(4096, exception: false)
      fail_start(command, "exited before printing its endpoint (#{line.inspect})") if chunk.nil?
      line << chunk unless chunk == :wait_readable
    end
    first, rest = line.split("\n", 2)
    @mutex.synchronize { @output << rest.to_s }
    first.chomp("\r")
  end

  def fail_start(command, why)
    stop_quietly
    raise "#{command}: #{why}\n--- output ---\n#{output}"
  end

  def stop_quietly
    stop
  rescue StandardError
    nil
  end
end
