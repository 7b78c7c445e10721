variable "zip_path" {
  description = "Path of the release's arm64 zip, cognito-custom-message-<version>-arm64.zip (the x86_64 zip fails on this arm64 function)."
  type        = string
}

variable "zip_sha256" {
  description = "The zip's SHA-256 as SHA256SUMS of the same release lists it (64 hex digits): plan fails unless the file matches."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-fA-F]{64}$", var.zip_sha256))
    error_message = "zip_sha256 must be 64 hex digits, the zip's line in the release's SHA256SUMS."
  }
}

variable "user_pool_arn" {
  description = "ARN of the user pool that calls the function (its lambda_config.custom_message): the only caller the invoke permission allows."
  type        = string
  validation {
    condition     = can(regex("^arn:[a-z-]+:cognito-idp:[a-z0-9-]+:[0-9]{12}:userpool/[a-z0-9-]+_[0-9A-Za-z]+$", var.user_pool_arn))
    error_message = "user_pool_arn must be a user pool ARN (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/REGION_ID)."
  }
}

variable "function_name" {
  description = "The function's name; its log group is /aws/lambda/<function_name>."
  type        = string
  default     = "cognito-custom-message"
}

variable "app_name" {
  description = "The product name in every message of the default brand (APP_NAME)."
  type        = string
  default     = "My App"
}

variable "default_locale" {
  description = "The locale when nothing in the event matches one (DEFAULT_LOCALE)."
  type        = string
  default     = "en"
}

variable "environment" {
  description = "More of the function's environment, e.g. BRAND_CLIENTS for a zip built with brands (docs/deploy.md)."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the function's log (one of the periods CloudWatch allows)."
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention periods (1, 3, 5, 7, 14, 30, ... 3653)."
  }
}

variable "alarm_topic_arn" {
  description = "An SNS topic the alarms notify; empty: alarms without actions (production needs one, docs/production.md)."
  type        = string
  default     = ""
}
