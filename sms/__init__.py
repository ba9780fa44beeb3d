"""Twilio adapter: signed webhooks to Inbound, replies to TwiML; the SMS sender."""
