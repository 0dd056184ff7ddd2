# The quickstart: a tour of sigrun against the embedded demo API, which
# checks SigV4 signatures like API Gateway with AWS_IAM auth.
#
#   sigrun demo                       # starts the API and runs this collection
#   sigrun demo --serve               # or serve it, and in another terminal:
#   sigrun run samples/quickstart --var base_url=http://127.0.0.1:PORT/demo

variable "base_url" {
  type        = string
  description = "The demo API's URL, as `sigrun demo --serve` prints it"
}

# The demo's keys are public: they open nothing but the demo API on your own
# loopback. Real collections take keys from a profile or the environment.
variable "access_key_id" {
  type    = string
  default = "AKIASIGRUNDEMO000001"
}

variable "secret_access_key" {
  type      = string
  default   = "sigrun/demo/secret/key/not+a+real+aws+k"
  sensitive = true
}

credentials "demo" {
  access_key_id     = var.access_key_id
  secret_access_key = var.secret_access_key
}

endpoint "api" {
  url     = var.base_url
  headers = { "x-api-version" = "2" }
  timeout = "10s"

  auth "aws_sigv4" {
    credentials = credentials.demo
    # 127.0.0.1 is not an AWS host name, so say what to sign for, as for an
    # API Gateway custom domain.
    service = "execute-api"
    region  = "us-east-1"
  }
}
