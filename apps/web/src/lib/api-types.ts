// Generated from the server’s OpenAPI document by apps/server/scripts/gen-api-types.ts
// (npm run gen:api-types). Do not edit.

export interface paths {
  '/api/v1/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Health'];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['HealthReady'];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['HealthReady'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['HealthLive'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** Format: email */
            email: string;
            password: string;
            name?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['User'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            email: string;
            password: string;
            device_token?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LoginResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        429: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login/totp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            challenge_token: string;
            code?: string;
            recovery_code?: string;
            device_token?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LoginSuccess'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            all?: boolean;
          } | null;
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['LogoutResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['User'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            current_password: string;
            new_password: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['PasswordChanged'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SessionList'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Done'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['TotpStatus'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp/enroll': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['TotpEnrolment'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp/confirm': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['RecoveryCodes'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp/recovery-codes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code?: string;
            recovery_code?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['RecoveryCodes'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/totp/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            code?: string;
            recovery_code?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Done'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            exchange: 'binance' | 'okx' | 'bybit' | 'paper';
            api_key?: string;
            api_secret?: string;
            passphrase?: string;
            /** @default true */
            testnet?: boolean;
            label?: string;
            /** @default false */
            verify_keys?: boolean;
            /** @default false */
            save_if_unreachable?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['RegisteredAccount'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/list': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountList'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** @description With two-factor authentication on, send a current code (or a recovery code) in the `X-TOTP-Code` header; without it the answer is 403 TOTP_REQUIRED, with a wrong or used one 403 TOTP_INVALID. */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountDeleted'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/toggle': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountToggled'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ConnectionTest'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/webhook-secret/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description With two-factor authentication on, send a current code (or a recovery code) in the `X-TOTP-Code` header; without it the answer is 403 TOTP_REQUIRED, with a wrong or used one 403 TOTP_INVALID. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['WebhookSecretRotated'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/positions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['PositionList'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/balance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Balance'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/pnl': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountPnl'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/simple/export-pine': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query: {
          strategy: string;
          params?: string;
          account_id: string;
          leverage?: number;
          lang?: 'ko' | 'en';
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['PineExport'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhook/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['WebhookHealth'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/signals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          account_id?: string;
          status?: 'received' | 'executing' | 'executed' | 'failed' | 'rejected';
          before?: string;
          after?: string;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SignalList'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/signals/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['SignalDetail'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/fills': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          limit?: number;
          offset?: number;
          format?: 'json' | 'csv';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountFillList'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/trades': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          limit?: number;
          offset?: number;
          format?: 'json' | 'csv';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountTradeList'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/equity': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          limit?: number;
          offset?: number;
          format?: 'json' | 'csv';
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['EquitySeries'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountStreamStatus'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/accounts-secure/{id}/protection-policy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            protection_policy: 'reprotect' | 'close' | 'alert';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountStreamStatus'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Server-sent events (text/event-stream) of the caller: fill, position, signal, order, protection, stream. */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/notifications/channels': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['NotificationChannelList'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            kind: 'discord' | 'email' | 'webhook';
            name: string;
            /**
             * @default en
             * @enum {string}
             */
            locale?: 'en' | 'ko';
            /**
             * @default [
             *       "signal_executed",
             *       "signal_failed",
             *       "alert_refused",
             *       "trade_closed",
             *       "protection_missing",
             *       "stream_down"
             *     ]
             */
            events?: (
              | 'signal_executed'
              | 'signal_failed'
              | 'alert_refused'
              | 'trade_closed'
              | 'protection_missing'
              | 'stream_down'
            )[];
            webhook_url?: string;
            /** Format: email */
            address?: string;
            signing_secret?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['NotificationChannelCreated'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/notifications/channels/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['NotificationChannelDeleted'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            name?: string;
            /** @enum {string} */
            locale?: 'en' | 'ko';
            events?: (
              | 'signal_executed'
              | 'signal_failed'
              | 'alert_refused'
              | 'trade_closed'
              | 'protection_missing'
              | 'stream_down'
            )[];
            enabled?: boolean;
            webhook_url?: string;
            /** Format: email */
            address?: string;
            signing_secret?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['NotificationChannel'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    trace?: never;
  };
  '/api/v1/notifications/channels/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['NotificationTestResult'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/strategies': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['StrategyList'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhook/tradingview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description TradingView alert → orders. Body: the JSON our exported Pine script builds (account_id, exchange, action, symbol, leverage, secret, id, …), any content type. */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': unknown;
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['WebhookAnswer'];
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['WebhookAnswer'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/backtests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            strategy: string;
            /** @default {} */
            params?: {
              [key: string]: number;
            };
            options?: {
              initial_capital?: number;
              size_pct?: number;
              leverage?: number;
              commission_pct?: number;
              slippage_ticks?: number;
              /** @enum {string} */
              direction?: 'both' | 'long' | 'short';
              stop_loss_pct?: number;
              take_profit_pct?: number;
              stop_loss_atr?: number;
              take_profit_atr?: number;
              fill_on_close?: boolean;
            };
            data?:
              | {
                  /** @enum {string} */
                  source: 'sample';
                  timeframe?: string;
                  bars?: number;
                }
              | {
                  /** @enum {string} */
                  source: 'csv';
                  csv: string;
                  name?: string;
                  timeframe?: string;
                }
              | {
                  /** @enum {string} */
                  source: 'exchange';
                  /** @enum {string} */
                  exchange: 'binance' | 'okx' | 'bybit';
                  symbol: string;
                  timeframe: string;
                  from: number | string;
                  to?: number | string;
                };
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['BacktestResult'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/optimizations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            strategy: string;
            options?: {
              initial_capital?: number;
              size_pct?: number;
              leverage?: number;
              commission_pct?: number;
              slippage_ticks?: number;
              /** @enum {string} */
              direction?: 'both' | 'long' | 'short';
              stop_loss_pct?: number;
              take_profit_pct?: number;
              stop_loss_atr?: number;
              take_profit_atr?: number;
              fill_on_close?: boolean;
            };
            data?:
              | {
                  /** @enum {string} */
                  source: 'sample';
                  timeframe?: string;
                  bars?: number;
                }
              | {
                  /** @enum {string} */
                  source: 'csv';
                  csv: string;
                  name?: string;
                  timeframe?: string;
                }
              | {
                  /** @enum {string} */
                  source: 'exchange';
                  /** @enum {string} */
                  exchange: 'binance' | 'okx' | 'bybit';
                  symbol: string;
                  timeframe: string;
                  from: number | string;
                  to?: number | string;
                };
            /**
             * @default sharpe
             * @enum {string}
             */
            objective?:
              | 'net_profit'
              | 'sharpe'
              | 'sortino'
              | 'calmar'
              | 'profit_factor'
              | 'win_rate'
              | 'expectancy'
              | 'profit_drawdown';
            /**
             * @default auto
             * @enum {string}
             */
            method?: 'grid' | 'random' | 'auto';
            /** @default 200 */
            trials?: number;
            /** @default 1 */
            seed?: number;
            /** @default 5 */
            min_trades?: number;
            /** @default 3 */
            walk_forward?: number;
            /** @default 3 */
            in_sample_ratio?: number;
            space?: {
              [key: string]:
                | number
                | {
                    min?: number;
                    max?: number;
                    step?: number;
                  };
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['OptimizationJob'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/optimizations/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['OptimizationJob'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/notifications/telegram': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['TelegramStatus'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/notifications/telegram/link': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /**
             * @default en
             * @enum {string}
             */
            locale?: 'en' | 'ko';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['TelegramLinkCode'];
          };
        };
        /** @description Default Response */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['TelegramUnlinked'];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ErrorResponse'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ErrorResponse: {
      detail: string;
      error: {
        code: string;
        message: string;
        details?: {
          [key: string]: unknown;
        };
      };
    };
    User: {
      id: string;
      email: string;
      name: string;
      created_at: string;
      total_xp: number;
      level: number;
      total_trades: number;
      totp_enabled: boolean;
    };
    LoginSuccess: {
      access_token: string;
      /** @enum {string} */
      token_type: 'bearer';
      session_token: string;
      expires_at: string;
      device_token: string;
      user: components['schemas']['User'];
    };
    TotpChallenge: {
      /** @enum {boolean} */
      totp_required: true;
      challenge_token: string;
      expires_at: string;
    };
    LoginResponse: components['schemas']['LoginSuccess'] | components['schemas']['TotpChallenge'];
    LogoutResponse: {
      /** @enum {boolean} */
      success: true;
      revoked_sessions: number;
    };
    TotpEnrolment: {
      secret: string;
      otpauth_uri: string;
      qr_code_svg: string;
    };
    RecoveryCodes: {
      recovery_codes: string[];
    };
    TotpStatus: {
      enabled: boolean;
      recovery_codes_left: number;
    };
    Session: {
      id: string;
      created_at: string;
      last_seen_at: string | null;
      expires_at: string;
      user_agent: string | null;
      ip: string | null;
      current: boolean;
    };
    SessionList: {
      sessions: components['schemas']['Session'][];
    };
    Done: {
      /** @enum {boolean} */
      success: true;
    };
    PasswordChanged: {
      /** @enum {boolean} */
      success: true;
      revoked_sessions: number;
    };
    Account: {
      id: string;
      /** @enum {string} */
      exchange: 'binance' | 'okx' | 'bybit' | 'paper';
      label: string;
      testnet: boolean;
      is_active: boolean;
      created_at: string;
      webhook_secret_hint: string;
    };
    RegisteredAccount: {
      id: string;
      /** @enum {string} */
      exchange: 'binance' | 'okx' | 'bybit' | 'paper';
      label: string;
      testnet: boolean;
      is_active: boolean;
      created_at: string;
      webhook_secret_hint: string;
      webhook_secret: string;
      /** @enum {string} */
      keys_check?: 'confirmed' | 'unreachable';
    };
    AccountList: {
      accounts: components['schemas']['Account'][];
      total: number;
    };
    AccountDeleted: {
      /** @enum {boolean} */
      success: true;
      message: string;
    };
    AccountToggled: {
      /** @enum {boolean} */
      success: true;
      account_id: string;
      is_active: boolean;
    };
    WebhookSecretRotated: {
      account_id: string;
      webhook_secret: string;
    };
    ConnectionTest: {
      ok: boolean;
      exchange: string;
      testnet: boolean;
      balance?: {
        asset: string;
        total: string;
        available: string;
      };
      error?: {
        code: string;
        message: string;
        reason?: string;
      };
    };
    Balance: {
      account_id: string;
      asset: string;
      total: string;
      available: string;
      unrealized_pnl: string;
    };
    Position: {
      venue_symbol: string;
      /** @enum {string} */
      side: 'net' | 'long' | 'short';
      qty: string;
      entry_price: string;
      mark_price: string;
      unrealized_pnl: string;
      leverage: number;
      /** @enum {string} */
      margin_mode: 'cross' | 'isolated';
      liquidation_price?: string;
    };
    PositionList: {
      account_id: string;
      positions: components['schemas']['Position'][];
    };
    AccountPnl: {
      account_id: string;
      realized_pnl: number;
      fills: number;
      open: {
        symbol: string;
        qty: number;
        avg_entry: number;
      }[];
      basis: string;
    };
    PineExport: {
      script: string;
      guide: string;
      webhook_url: string;
      alert_message_example: {
        [key: string]: unknown;
      };
    };
    Health: {
      /** @enum {string} */
      status: 'ok';
      /** @enum {string} */
      database: 'pglite' | 'postgres';
    };
    HealthReady: {
      /** @enum {string} */
      status: 'ready' | 'not_ready';
      checks: {
        /** @enum {string} */
        database: 'ok' | 'failed';
        /** @enum {string} */
        key_ring: 'ok' | 'failed';
        /** @enum {string} */
        worker: 'ok' | 'draining' | 'stopped';
      };
    };
    HealthLive: {
      /** @enum {string} */
      status: 'ok';
    };
    WebhookAnswer: {
      [key: string]: unknown;
    };
    WebhookHealth: {
      /** @enum {string} */
      status: 'ok';
      /** @enum {string} */
      service: 'webhook';
    };
    Signal: {
      id: string;
      account_id: string;
      status: string;
      received_at: string;
      finished_at: string | null;
      source_ip: string | null;
      payload: {
        [key: string]: unknown;
      };
      result: unknown;
      error_code: string | null;
      error_message: string | null;
    };
    Order: {
      id: string;
      role: string;
      symbol: string;
      side: string;
      type: string;
      qty: string | null;
      price: string | null;
      status: string;
      client_order_id: string;
      venue_order_id: string | null;
      request: unknown;
      response: unknown;
      error: unknown;
      created_at: string;
    };
    SignalList: {
      signals: components['schemas']['Signal'][];
      total: number;
    };
    SignalDetail: {
      id: string;
      account_id: string;
      status: string;
      received_at: string;
      finished_at: string | null;
      source_ip: string | null;
      payload: {
        [key: string]: unknown;
      };
      result: unknown;
      error_code: string | null;
      error_message: string | null;
      orders: components['schemas']['Order'][];
    };
    Localized: {
      en: string;
      ko: string;
    };
    StrategyParam: {
      name: string;
      /** @enum {string} */
      type: 'int' | 'float';
      default: number;
      min: number;
      max: number;
      step: number;
      label: components['schemas']['Localized'];
    };
    Strategy: {
      id: string;
      name: components['schemas']['Localized'];
      description: components['schemas']['Localized'];
      rules: {
        long_entry: components['schemas']['Localized'];
        long_exit: components['schemas']['Localized'];
        short_entry: components['schemas']['Localized'];
        short_exit: components['schemas']['Localized'];
      };
      params: components['schemas']['StrategyParam'][];
      constraints: {
        kind: string;
        smaller: string;
        larger: string;
        message: components['schemas']['Localized'];
      }[];
      plots: {
        title: string;
        color: string;
        overlay: boolean;
      }[];
    };
    StrategyList: {
      strategies: components['schemas']['Strategy'][];
    };
    Trade: {
      /** @enum {string} */
      side: 'long' | 'short';
      entry_time: number;
      entry_price: number;
      exit_time: number;
      exit_price: number;
      qty: number;
      fees: number;
      pnl: number;
      pnl_pct: number;
      exit_reason: string;
      bars_held: number;
    };
    DataInfo: {
      source: string;
      bars: number;
      from: number;
      to: number;
      timeframe_ms: number | null;
    };
    TradeStats: {
      net_profit: number | null;
      net_profit_pct: number | null;
      gross_profit: number | null;
      gross_loss: number | null;
      profit_factor: number | null;
      total_trades: number | null;
      winning_trades: number | null;
      losing_trades: number | null;
      even_trades: number | null;
      win_rate: number | null;
      avg_trade: number | null;
      avg_win: number | null;
      avg_loss: number | null;
      win_loss_ratio: number | null;
      largest_win: number | null;
      largest_loss: number | null;
      avg_bars_in_trade: number | null;
      avg_bars_in_winning_trade: number | null;
      avg_bars_in_losing_trade: number | null;
      commission_paid: number | null;
      expectancy: number | null;
      expectancy_ratio: number | null;
      max_consecutive_wins: number | null;
      max_consecutive_losses: number | null;
      open_trades: number | null;
      open_pnl: number | null;
      liquidations: number | null;
      max_contracts_held: number | null;
    };
    BacktestMetrics: {
      net_profit: number | null;
      net_profit_pct: number | null;
      gross_profit: number | null;
      gross_loss: number | null;
      profit_factor: number | null;
      total_trades: number | null;
      winning_trades: number | null;
      losing_trades: number | null;
      even_trades: number | null;
      win_rate: number | null;
      avg_trade: number | null;
      avg_win: number | null;
      avg_loss: number | null;
      win_loss_ratio: number | null;
      largest_win: number | null;
      largest_loss: number | null;
      avg_bars_in_trade: number | null;
      avg_bars_in_winning_trade: number | null;
      avg_bars_in_losing_trade: number | null;
      commission_paid: number | null;
      expectancy: number | null;
      expectancy_ratio: number | null;
      max_consecutive_wins: number | null;
      max_consecutive_losses: number | null;
      open_trades: number | null;
      open_pnl: number | null;
      liquidations: number | null;
      max_contracts_held: number | null;
      initial_capital: number | null;
      final_equity: number | null;
      max_drawdown: number | null;
      max_drawdown_pct: number | null;
      max_run_up: number | null;
      max_run_up_pct: number | null;
      buy_hold_return_pct: number | null;
      sharpe: number | null;
      sortino: number | null;
      cagr_pct: number | null;
      calmar: number | null;
      time_in_market_pct: number | null;
      months: number | null;
      long: components['schemas']['TradeStats'];
      short: components['schemas']['TradeStats'];
    };
    MetricsSummary: {
      score: number | null;
      net_profit: number | null;
      net_profit_pct: number | null;
      max_drawdown_pct: number | null;
      sharpe: number | null;
      sortino: number | null;
      calmar: number | null;
      profit_factor: number | null;
      win_rate: number | null;
      expectancy: number | null;
      total_trades: number | null;
    };
    BacktestResult: {
      strategy: string;
      params: {
        [key: string]: number;
      };
      data: components['schemas']['DataInfo'];
      metrics: components['schemas']['BacktestMetrics'];
      trades: components['schemas']['Trade'][];
      open_trade: components['schemas']['Trade'] | null;
      candles: {
        time: number[];
        open: (number | null)[];
        high: (number | null)[];
        low: (number | null)[];
        close: (number | null)[];
      };
      indicators: {
        title: string;
        color: string;
        overlay: boolean;
        values: (number | null)[];
      }[];
      equity: (number | null)[];
      drawdown: (number | null)[];
    };
    WalkForwardWindow: {
      in_sample: {
        from: number;
        to: number;
        bars: number;
      };
      out_of_sample: {
        from: number;
        to: number;
        bars: number;
      };
      best: {
        [key: string]: number;
      };
      in_sample_metrics: components['schemas']['MetricsSummary'];
      out_of_sample_metrics: components['schemas']['MetricsSummary'];
    };
    OptimizationResult: {
      strategy: string;
      /** @enum {string} */
      objective:
        | 'net_profit'
        | 'sharpe'
        | 'sortino'
        | 'calmar'
        | 'profit_factor'
        | 'win_rate'
        | 'expectancy'
        | 'profit_drawdown';
      /** @enum {string} */
      method: 'grid' | 'random';
      candidates: number;
      data: components['schemas']['DataInfo'];
      ranking: {
        params: {
          [key: string]: number;
        };
        metrics: components['schemas']['MetricsSummary'];
      }[];
      walk_forward: {
        windows: components['schemas']['WalkForwardWindow'][];
        out_of_sample_net_profit: number | null;
        efficiency: number | null;
      } | null;
    };
    OptimizationJob: {
      id: string;
      strategy: string;
      /** @enum {string} */
      status: 'queued' | 'running' | 'done' | 'failed';
      progress: {
        done: number;
        total: number;
      };
      created_at: string;
      finished_at: string | null;
      result: components['schemas']['OptimizationResult'] | null;
      error: {
        code: string;
        message: string;
      } | null;
    };
    NotificationChannel: {
      id: string;
      /** @enum {string} */
      kind: 'telegram' | 'discord' | 'email' | 'webhook';
      name: string;
      /** @enum {string} */
      locale: 'en' | 'ko';
      events: (
        | 'signal_executed'
        | 'signal_failed'
        | 'alert_refused'
        | 'trade_closed'
        | 'protection_missing'
        | 'stream_down'
      )[];
      enabled: boolean;
      disabled_reason: string | null;
      target_hint: string;
      created_at: string;
      updated_at: string;
    };
    NotificationChannelCreated: {
      id: string;
      /** @enum {string} */
      kind: 'telegram' | 'discord' | 'email' | 'webhook';
      name: string;
      /** @enum {string} */
      locale: 'en' | 'ko';
      events: (
        | 'signal_executed'
        | 'signal_failed'
        | 'alert_refused'
        | 'trade_closed'
        | 'protection_missing'
        | 'stream_down'
      )[];
      enabled: boolean;
      disabled_reason: string | null;
      target_hint: string;
      created_at: string;
      updated_at: string;
      signing_secret?: string;
    };
    NotificationChannelList: {
      channels: components['schemas']['NotificationChannel'][];
      event_kinds: (
        | 'signal_executed'
        | 'signal_failed'
        | 'alert_refused'
        | 'trade_closed'
        | 'protection_missing'
        | 'stream_down'
      )[];
      available_kinds: ('telegram' | 'discord' | 'email' | 'webhook')[];
    };
    NotificationTestResult: {
      ok: boolean;
      reason: string | null;
    };
    NotificationChannelDeleted: {
      /** @enum {boolean} */
      success: true;
    };
    TelegramLinkCode: {
      code: string;
      bot_username: string;
      deep_link: string;
      expires_at: string;
    };
    TelegramStatus: {
      bot_configured: boolean;
      linked: boolean;
      username: string | null;
      /** @enum {string|null} */
      locale: 'en' | 'ko' | null;
      linked_at: string | null;
    };
    TelegramUnlinked: {
      /** @enum {boolean} */
      success: true;
    };
    AccountStreamStatus: {
      account_id: string;
      /** @enum {string} */
      protection_policy: 'reprotect' | 'close' | 'alert';
      /** @enum {string} */
      stream: 'connecting' | 'up' | 'down' | 'none';
      status_reason: string | null;
      since: string | null;
      last_event_at: string | null;
    };
    AccountFill: {
      id: string;
      venue_trade_id: string;
      venue_order_id: string;
      client_order_id: string;
      signal_id: string | null;
      symbol: string;
      /** @enum {string} */
      side: 'buy' | 'sell';
      /** @enum {string} */
      position_side: 'long' | 'short' | 'net';
      qty: string;
      price: string;
      fee: string;
      fee_asset: string;
      realized_pnl: string;
      /** @enum {string} */
      liquidity: 'maker' | 'taker';
      /** @enum {string} */
      reason:
        'signal' | 'stop_loss' | 'take_profit' | 'trailing' | 'liquidation' | 'adl' | 'manual' | 'external';
      time: string;
    };
    AccountTrade: {
      symbol: string;
      /** @enum {string} */
      side: 'long' | 'short';
      /** @enum {string} */
      status: 'open' | 'closed';
      qty: string;
      entry_price: string;
      exit_price: string | null;
      entry_time: string;
      exit_time: string | null;
      entry_reason: string;
      exit_reason: string | null;
      realized_pnl: string;
      fees: string;
      funding: string;
      net_pnl: string;
      fills: number;
    };
    EquityDay: {
      date: string;
      realized_pnl: string;
      fees: string;
      funding: string;
      net_pnl: string;
      cumulative_net_pnl: string;
      fills: number;
    };
    AccountFillList: {
      fills: components['schemas']['AccountFill'][];
      total: number;
    };
    AccountTradeList: {
      trades: components['schemas']['AccountTrade'][];
      total: number;
    };
    EquitySeries: {
      days: components['schemas']['EquityDay'][];
      total: number;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
