# Put an object in an S3 bucket and read it back. S3 signs differently from
# other services (the path is encoded once and never normalised, and every
# request carries x-amz-content-sha256); sigrun does both when the host is
# an S3 host name.
#
#   sigrun run samples/s3 --var bucket=my-bucket --var region=eu-west-1

variable "bucket" {
  type = string
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "key" {
  type    = string
  default = "sigrun/smoke test.txt"
}

endpoint "bucket" {
  url = "https://${var.bucket}.s3.${var.region}.amazonaws.com"

  auth "aws_sigv4" {}
}

request "put_object" {
  endpoint = endpoint.bucket
  method   = "PUT"
  path     = "/${var.key}"
  body     = "hello from sigrun"
  headers  = { "content-type" = "text/plain" }

  expect {
    status = 200
  }
}

request "get_object" {
  endpoint   = endpoint.bucket
  path       = "/${var.key}"
  depends_on = [request.put_object]

  expect {
    status        = 200
    body_contains = "hello from sigrun"
  }
}
