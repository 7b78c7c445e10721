# An example root: your own user pool, managed by Terraform, with the module's function as its
# CustomMessage trigger. The trigger is wired here, in the pool's own lambda_config, because
# Terraform owns the pool's whole configuration: see README.md for why the CDK stack's attachment
# to an existing pool must not be used on a pool like this one.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.32, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "The region of the pool and the function."
  type        = string
  default     = "eu-central-1"
}

variable "release_version" {
  description = "The release whose zip is next to this file, e.g. v0.3.0."
  type        = string
}

variable "zip_sha256" {
  description = "The zip's line in the release's SHA256SUMS (64 hex digits)."
  type        = string
}

variable "alarm_topic_arn" {
  description = "An SNS topic the alarms notify (production needs one)."
  type        = string
  default     = ""
}

module "custom_message" {
  source = "./modules/custom-message"

  zip_path        = "${path.root}/cognito-custom-message-${var.release_version}-arm64.zip"
  zip_sha256      = var.zip_sha256
  user_pool_arn   = aws_cognito_user_pool.this.arn
  function_name   = "acme-custom-message"
  app_name        = "Acme"
  default_locale  = "en"
  alarm_topic_arn = var.alarm_topic_arn
}

resource "aws_cognito_user_pool" "this" {
  name                     = "acme"
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = "ACTIVE"

  # The one line this recipe is about: Terraform sets the trigger, and keeps it on every apply.
  lambda_config {
    custom_message = module.custom_message.function_arn
  }

  # An email change takes effect only once the new address is verified.
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 7
  }

  mfa_configuration = "OPTIONAL"
  software_token_mfa_configuration {
    enabled = true
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  # Production sends through SES (docs/production.md): email_configuration with
  # email_sending_account = "DEVELOPER", source_arn and from_email_address.

  lifecycle {
    # Deleting a pool deletes its users.
    prevent_destroy = true
  }
}

output "user_pool_id" {
  value = aws_cognito_user_pool.this.id
}

output "function_arn" {
  value = module.custom_message.function_arn
}
