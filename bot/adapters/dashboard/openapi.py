"""The referral API's OpenAPI 3.1 document (the tests check the API against it)."""

from __future__ import annotations

from typing import Any

from bot.storage.inbox import FILTERS
from bot.storage.referrals import STATUSES

_PROBLEM = {"$ref": "#/components/responses/Problem"}
_REFERENCE = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 16, "examples": ["CC-7K3M-Q9X2"]},
}
_SUMMARY = {
    "type": "object",
    "required": [
        "reference",
        "status",
        "created_at",
        "under_16",
        "delivery_failed",
        "erasure_requested",
    ],
    "properties": {
        "reference": {"type": "string"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "created_at": {"type": "string", "format": "date-time"},
        "age_band": {"type": ["string", "null"]},
        "outcome": {"type": ["string", "null"]},
        "under_16": {"type": "boolean"},
        "delivery_failed": {"type": "boolean"},
        "erasure_requested": {"type": "boolean"},
    },
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "carercheck referral API",
        "version": "1",
        "description": "Referrals to your organisation, as the people referred agreed to share "
        "them. A token sees only its own organisation's referrals.",
    },
    "security": [{"bearerAuth": []}],
    "paths": {
        "/api/referrals": {
            "get": {
                "summary": "List referrals, newest first",
                "operationId": "listReferrals",
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": list(FILTERS)},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The referrals",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["referrals"],
                                    "properties": {
                                        "referrals": {"type": "array", "items": _SUMMARY}
                                    },
                                }
                            }
                        },
                    },
                    "400": _PROBLEM,
                    "401": _PROBLEM,
                },
            }
        },
        "/api/referrals/{reference}": {
            "get": {
                "summary": "Read one referral",
                "operationId": "getReferral",
                "parameters": [_REFERENCE],
                "responses": {
                    "200": {
                        "description": "The referral",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "allOf": [
                                        _SUMMARY,
                                        {
                                            "type": "object",
                                            "required": ["referral"],
                                            "properties": {"referral": {"type": "object"}},
                                        },
                                    ],
                                }
                            }
                        },
                    },
                    "401": _PROBLEM,
                    "404": _PROBLEM,
                },
            }
        },
        "/api/referrals/{reference}/status": {
            "post": {
                "summary": "Change the status; the person is told on their channel",
                "operationId": "setStatus",
                "parameters": [_REFERENCE],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["status"],
                                "properties": {
                                    "status": {"type": "string", "enum": list(STATUSES)},
                                    "note": {"type": ["string", "null"], "maxLength": 1000},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Changed",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["reference", "status", "person_told"],
                                    "properties": {
                                        "reference": {"type": "string"},
                                        "status": {"type": "string"},
                                        "person_told": {"type": "boolean"},
                                    },
                                }
                            }
                        },
                    },
                    "400": _PROBLEM,
                    "401": _PROBLEM,
                    "404": _PROBLEM,
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "responses": {
            "Problem": {
                "description": "What went wrong",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["detail"],
                            "properties": {"detail": {"type": "string"}},
                        }
                    }
                },
            }
        },
    },
}
