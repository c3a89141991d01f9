# wrapgen's emulation of the managed Ruby runtime's /var/runtime/index.rb, for `wrapgen try`.
# It speaks the Runtime API (AWS_LAMBDA_RUNTIME_API) with net/http: loads the handler (_HANDLER: FILE.METHOD or
# FILE.Module::Class.METHOD, FILE under LAMBDA_TASK_ROOT), then calls it with event: (parsed JSON) and
# context: (nil here) and posts its result as JSON, or the error.
require 'json'
require 'net/http'

BASE = '/2018-06-01/runtime'
host, port = ENV.fetch('AWS_LAMBDA_RUNTIME_API').split(':', 2)
HTTP = Net::HTTP.new(host, Integer(port))
HTTP.read_timeout = nil
HTTP.keep_alive_timeout = 3600

def post(path, body, headers = {})
  HTTP.post("#{BASE}#{path}", body, { 'Content-Type' => 'application/json' }.merge(headers))
end

def error_body(error)
  JSON.generate({ errorMessage: error.message, errorType: error.class.name,
                  stackTrace: error.backtrace || [] })
end

begin
  file, target = ENV.fetch('_HANDLER').split('.', 2)
  raise ArgumentError, "handler #{ENV['_HANDLER'].inspect} is not FILE.METHOD" if target.nil?
  require File.join(ENV.fetch('LAMBDA_TASK_ROOT'), file)
  receiver, method_name = if target.include?('.')
                            const, name = target.split(/\.(?=[^.]*\z)/)
                            [Object.const_get(const), name]
                          else
                            [self, target]
                          end
rescue Exception => e # rubocop:disable Lint/RescueException
  warn "Init error: #{e.class}: #{e.message}"
  post('/init/error', error_body(e), 'Lambda-Runtime-Function-Error-Type' => "Init.#{e.class.name}")
  exit 1
end

loop do
  response = HTTP.get("#{BASE}/invocation/next")
  id = response['Lambda-Runtime-Aws-Request-Id']
  begin
    result = receiver.send(method_name, event: JSON.parse(response.body), context: nil)
    post("/invocation/#{id}/response", JSON.generate(result))
  rescue Exception => e # rubocop:disable Lint/RescueException
    warn "Error: #{e.class}: #{e.message}"
    post("/invocation/#{id}/error", error_body(e), 'Lambda-Runtime-Function-Error-Type' => "Function.#{e.class.name}")
  end
end
