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
            /** @enum {string} */
            market_data?: 'synthetic' | 'binance' | 'okx';
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
  '/api/v1/accounts-secure/{id}/market-data': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** @description A paper account’s price source: `synthetic` (offline, not market data) or the public market data of `binance` or `okx`. Its balance, positions and orders stay. 400 for a live account. */
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
          'application/json': components['schemas']['SetMarketDataBodyInput'];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Account'];
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
  '/api/v1/account-groups': {
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
            'application/json': components['schemas']['AccountGroupList'];
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
    /** @description Creates a group; its webhook secret is in this answer only. */
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
            name: string;
            account_ids: string[];
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
            'application/json': components['schemas']['CreatedAccountGroup'];
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
  '/api/v1/account-groups/{id}': {
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
            'application/json': components['schemas']['AccountGroup'];
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
    /** @description With two-factor authentication on, send a current code in the `X-TOTP-Code` header (403 TOTP_REQUIRED / TOTP_INVALID otherwise), as for an account. */
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
            'application/json': components['schemas']['AccountGroupDeleted'];
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
    /** @description Renames the group and/or replaces its member accounts. */
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
            account_ids?: string[];
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
            'application/json': components['schemas']['AccountGroup'];
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
  '/api/v1/account-groups/{id}/webhook-secret/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** @description With two-factor authentication on, send a current code in the `X-TOTP-Code` header (403 TOTP_REQUIRED / TOTP_INVALID otherwise), as for an account. */
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
            'application/json': components['schemas']['AccountGroupSecretRotated'];
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
  '/api/v1/accounts-secure/{id}/settings': {
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
            'application/json': components['schemas']['AccountSettings'];
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
          'application/json': components['schemas']['AccountSettingsBodyInput'];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['AccountSettings'];
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
  '/api/v1/accounts-secure/{id}/close': {
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
      requestBody: {
        content: {
          'application/json': components['schemas']['ClosePositionBodyInput'];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ManualActionAnswer'];
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
  '/api/v1/accounts-secure/{id}/flatten': {
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
            'application/json': components['schemas']['ManualActionAnswer'];
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
  '/api/v1/accounts-secure/{id}/cancel-orders': {
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
      requestBody: {
        content: {
          'application/json': components['schemas']['CancelOrdersBodyInput'];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ManualActionAnswer'];
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
  '/api/v1/accounts-secure/{id}/pause': {
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
            'application/json': components['schemas']['PauseAnswer'];
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
  '/api/v1/accounts-secure/{id}/resume': {
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
            'application/json': components['schemas']['PauseAnswer'];
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
          account_id?: string;
          group_id?: string;
          leverage?: number;
          lang?: 'ko' | 'en';
          plan?: string;
          expected?: string;
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
    /** @description The caller's signals, newest first; `format=csv` answers the same rows as text/csv. */
    get: {
      parameters: {
        query?: {
          account_id?: string;
          status?: 'received' | 'executing' | 'executed' | 'failed' | 'rejected';
          outcome?: 'received' | 'executing' | 'executed' | 'nothing_to_do' | 'failed' | 'rejected';
          symbol?: string;
          before?: string;
          after?: string;
          limit?: number;
          format?: 'json' | 'csv';
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
  '/api/v1/signals/refused': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Alerts refused before authentication (wrong or missing webhook secret) against the caller's accounts, counted per account, reason and minute; never the secret. */
    get: {
      parameters: {
        query?: {
          account_id?: string;
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
            'application/json': components['schemas']['RefusedAlertList'];
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
  '/api/v1/history/trades': {
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
          status?: 'open' | 'closed';
          limit?: number;
          offset?: number;
          format?: 'json' | 'csv';
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
            'application/json': components['schemas']['HistoryTradeList'];
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
  '/api/v1/history/returns': {
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
          period?: 'day' | 'month';
          format?: 'json' | 'csv';
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
            'application/json': components['schemas']['HistoryReturns'];
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
  '/api/v1/accounts-secure/{id}/open-orders': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          symbol?: string;
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
            'application/json': components['schemas']['RestingOrderList'];
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
  '/api/v1/accounts-secure/{id}/chart': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query: {
          symbol: string;
          timeframe?: '1m' | '5m' | '15m' | '1h' | '4h' | '1d';
          limit?: number;
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
            'application/json': components['schemas']['PositionChart'];
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
             *       "stream_down",
             *       "daily_loss_reached"
             *     ]
             */
            events?: (
              | 'signal_executed'
              | 'signal_failed'
              | 'alert_refused'
              | 'trade_closed'
              | 'protection_missing'
              | 'stream_down'
              | 'daily_loss_reached'
              | 'daily_summary'
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
              | 'daily_loss_reached'
              | 'daily_summary'
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
  '/api/v1/bots': {
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
            'application/json': components['schemas']['BotList'];
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
            account_id: string;
            name?: string;
            strategy: string;
            /** @default {} */
            params?: {
              [key: string]: number;
            };
            symbol: string;
            timeframe: string;
            plan?: {
              size_pct?: number;
              leverage?: number;
              /** @enum {string} */
              margin_mode?: 'cross' | 'isolated';
              sl_atr?: number;
              sl_pct?: number;
              tp_atr?: number;
              tp_pct?: number;
              atr_period?: number;
              /** @enum {string} */
              direction?: 'both' | 'long' | 'short';
            };
            max_signal_age_s?: number;
            /** @default false */
            start?: boolean;
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
            'application/json': components['schemas']['Bot'];
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
  '/api/v1/bots/{id}': {
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
            'application/json': components['schemas']['BotDetail'];
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
            'application/json': components['schemas']['BotDeleted'];
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
    patch?: never;
    trace?: never;
  };
  '/api/v1/bots/{id}/start': {
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
            'application/json': components['schemas']['Bot'];
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
  '/api/v1/bots/{id}/stop': {
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
            'application/json': components['schemas']['Bot'];
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
  '/api/v1/bots/{id}/chart': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: {
      parameters: {
        query?: {
          bars?: number;
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
            'application/json': components['schemas']['BotChart'];
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
    /** @description TradingView alert → orders. Body: the JSON our exported Pine script builds (account_id, exchange, action, symbol, leverage, secret, id, …), any content type. With `group_id` and the group’s secret instead of `account_id`, the alert runs on every account of the group (`exchange` may be left out: each its own venue) and the answer lists each account’s result in `results`. */
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
              trailing_atr?: number;
              trailing_pct?: number;
              trailing_activation?: number;
              close_pct?: number;
              fill_on_close?: boolean;
              tp1_atr?: number;
              tp1_pct?: number;
              tp1_qty_pct?: number;
              tp2_atr?: number;
              tp2_pct?: number;
              tp2_qty_pct?: number;
              break_even?: boolean;
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
                  funding_csv?: string;
                  funding_name?: string;
                  bar_magnifier_csv?: string;
                  bar_magnifier_name?: string;
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
                  funding?: boolean;
                  bar_magnifier_timeframe?: string;
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
              trailing_atr?: number;
              trailing_pct?: number;
              trailing_activation?: number;
              close_pct?: number;
              fill_on_close?: boolean;
              tp1_atr?: number;
              tp1_pct?: number;
              tp1_qty_pct?: number;
              tp2_atr?: number;
              tp2_pct?: number;
              tp2_qty_pct?: number;
              break_even?: boolean;
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
                  funding_csv?: string;
                  funding_name?: string;
                  bar_magnifier_csv?: string;
                  bar_magnifier_name?: string;
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
                  funding?: boolean;
                  bar_magnifier_timeframe?: string;
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
  '/api/v1/lab/runs': {
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
            'application/json': components['schemas']['LabRunList'];
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
            name: string;
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
              trailing_atr?: number;
              trailing_pct?: number;
              trailing_activation?: number;
              close_pct?: number;
              fill_on_close?: boolean;
              tp1_atr?: number;
              tp1_pct?: number;
              tp1_qty_pct?: number;
              tp2_atr?: number;
              tp2_pct?: number;
              tp2_qty_pct?: number;
              break_even?: boolean;
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
                  funding_csv?: string;
                  funding_name?: string;
                  bar_magnifier_csv?: string;
                  bar_magnifier_name?: string;
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
                  funding?: boolean;
                  bar_magnifier_timeframe?: string;
                };
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
            'application/json': components['schemas']['LabRun'];
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
        502: {
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
  '/api/v1/lab/runs/{id}': {
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
            'application/json': components['schemas']['LabRun'];
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
            'application/json': components['schemas']['LabRunDeleted'];
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
    patch?: never;
    trace?: never;
  };
  '/api/v1/lab/runs/{id}/result': {
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
        404: {
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
    AccountSettingsBodyInput: {
      default_size?:
        | {
            /** @enum {string} */
            kind: 'pct';
            value: number;
          }
        | {
            /** @enum {string} */
            kind: 'usdt';
            value: string | number;
          };
      default_leverage?: number;
      /** @enum {string} */
      margin_mode?: 'cross' | 'isolated';
      stop_loss?:
        | {
            /** @enum {string} */
            type: 'none';
          }
        | {
            /** @enum {string} */
            type: 'atr';
            multiplier: number;
          }
        | {
            /** @enum {string} */
            type: 'percent';
            percent: number;
          };
      take_profit?:
        | {
            /** @enum {string} */
            type: 'none';
          }
        | {
            /** @enum {string} */
            type: 'atr';
            multiplier: number;
          }
        | {
            /** @enum {string} */
            type: 'percent';
            percent: number;
          };
      max_leverage?: number | null;
      max_position_notional?: (string | number) | null;
      max_open_positions?: number | null;
      daily_loss_limit?: (string | number) | null;
      /** @enum {string} */
      protection_policy?: 'reprotect' | 'close' | 'alert';
    };
    ClosePositionBodyInput: {
      symbol: string;
      /**
       * @default both
       * @enum {string}
       */
      side: 'long' | 'short' | 'both';
    };
    CancelOrdersBodyInput: {
      symbol?: string;
    };
    SetMarketDataBodyInput: {
      /** @enum {string} */
      market_data: 'synthetic' | 'binance' | 'okx';
    };
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
    AccountSettings: {
      account_id: string;
      default_size:
        | {
            /** @enum {string} */
            kind: 'pct';
            value: number;
          }
        | {
            /** @enum {string} */
            kind: 'usdt';
            value: string;
          };
      default_leverage: number;
      /** @enum {string} */
      margin_mode: 'cross' | 'isolated';
      stop_loss:
        | {
            /** @enum {string} */
            type: 'none';
          }
        | {
            /** @enum {string} */
            type: 'atr';
            multiplier: number;
          }
        | {
            /** @enum {string} */
            type: 'percent';
            percent: number;
          };
      take_profit:
        | {
            /** @enum {string} */
            type: 'none';
          }
        | {
            /** @enum {string} */
            type: 'atr';
            multiplier: number;
          }
        | {
            /** @enum {string} */
            type: 'percent';
            percent: number;
          };
      max_leverage: number | null;
      max_position_notional: string | null;
      max_open_positions: number | null;
      daily_loss_limit: string | null;
      /** @enum {string} */
      protection_policy: 'reprotect' | 'close' | 'alert';
      entries_paused: boolean;
      loss_paused_until: string | null;
      today_net_pnl: string;
    };
    ManualActionAnswer: {
      signal_id: string;
      /** @enum {string} */
      status: 'executed' | 'failed' | 'queued';
      result: {
        [key: string]: unknown;
      } | null;
    };
    PauseAnswer: {
      account_id: string;
      entries_paused: boolean;
      loss_paused_until: string | null;
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
      /** @enum {string|null} */
      market_data: 'synthetic' | 'binance' | 'okx' | null;
    };
    MarketDataState: {
      /** @enum {string} */
      source: 'synthetic' | 'binance' | 'okx';
      /** @enum {string} */
      state: 'connecting' | 'up' | 'down';
      since: string;
      reason?: string;
      last_price_at?: string;
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
      /** @enum {string|null} */
      market_data: 'synthetic' | 'binance' | 'okx' | null;
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
      market_data?: components['schemas']['MarketDataState'];
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
    AccountGroupMember: {
      account_id: string;
      /** @enum {string} */
      exchange: 'binance' | 'okx' | 'bybit' | 'paper';
      label: string;
      is_active: boolean;
    };
    AccountGroup: {
      id: string;
      name: string;
      webhook_secret_hint: string;
      members: components['schemas']['AccountGroupMember'][];
      created_at: string;
      updated_at: string;
    };
    CreatedAccountGroup: {
      id: string;
      name: string;
      webhook_secret_hint: string;
      members: components['schemas']['AccountGroupMember'][];
      created_at: string;
      updated_at: string;
      webhook_secret: string;
    };
    AccountGroupList: {
      groups: components['schemas']['AccountGroup'][];
      total: number;
    };
    AccountGroupSecretRotated: {
      group_id: string;
      webhook_secret: string;
    };
    AccountGroupDeleted: {
      /** @enum {boolean} */
      success: true;
    };
    PineExport: {
      script: string;
      guide: string;
      webhook_url: string;
      alert_message_example: {
        [key: string]: unknown;
      };
      plan: components['schemas']['ExportedPlan'];
    };
    ExportedPlan: {
      leverage: number;
      size_pct: number;
      initial_capital: number;
      commission_pct: number;
      slippage_ticks: number;
      /** @enum {string} */
      direction: 'both' | 'long' | 'short';
      stop_loss:
        | {
            /** @enum {string} */
            type: 'none';
          }
        | {
            /** @enum {string} */
            type: 'atr';
            multiplier: number;
          }
        | {
            /** @enum {string} */
            type: 'percent';
            percent: number;
          };
      take_profit:
        | {
            /** @enum {string} */
            type: 'none';
          }
        | {
            /** @enum {string} */
            type: 'atr';
            multiplier: number;
          }
        | {
            /** @enum {string} */
            type: 'percent';
            percent: number;
          };
      partial_take_profits: {
        distance:
          | {
              /** @enum {string} */
              type: 'atr';
              multiplier: number;
            }
          | {
              /** @enum {string} */
              type: 'percent';
              percent: number;
            };
        qty_pct: number;
      }[];
      break_even: boolean;
      trailing:
        | {
            /** @enum {string} */
            type: 'none';
          }
        | {
            /** @enum {string} */
            type: 'atr';
            activation: number;
            offset: number;
          }
        | {
            /** @enum {string} */
            type: 'percent';
            activation: number;
            offset: number;
          };
      close_pct: number;
      atr_period: number;
      bar_magnifier: boolean;
      funding: boolean;
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
    Signal: {
      id: string;
      account_id: string;
      account_label: string | null;
      status: string;
      /** @enum {string} */
      outcome: 'received' | 'executing' | 'executed' | 'nothing_to_do' | 'failed' | 'rejected';
      action: string | null;
      symbol: string | null;
      qty: string | null;
      price: string | null;
      realized_pnl: string | null;
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
      account_label: string | null;
      status: string;
      /** @enum {string} */
      outcome: 'received' | 'executing' | 'executed' | 'nothing_to_do' | 'failed' | 'rejected';
      action: string | null;
      symbol: string | null;
      qty: string | null;
      price: string | null;
      realized_pnl: string | null;
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
    RefusedAlert: {
      id: string;
      account_id: string;
      account_label: string;
      reason: string;
      count: number;
      first_seen: string;
      last_seen: string;
      source_ip: string | null;
      summary: {
        action?: string;
        symbol?: string;
        exchange?: string;
        id?: string;
        fields: string[];
        secret_present: boolean;
      };
    };
    RefusedAlertList: {
      refused: components['schemas']['RefusedAlert'][];
      total: number;
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
      funding: number | null;
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
      funding: number | null;
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
      buy_hold_equity: (number | null)[];
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
      space?: {
        [key: string]: {
          min: number;
          max: number;
          step: number;
        };
      };
      scores?: {
        params: {
          [key: string]: number;
        };
        score: number | null;
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
    LabRunData: {
      /** @enum {string} */
      source: 'sample' | 'csv' | 'exchange';
      timeframe?: string;
      bars?: number;
      name?: string;
      csv?: string;
      exchange?: string;
      symbol?: string;
      from?: number;
      to?: number;
      funding?: boolean;
      funding_name?: string;
      funding_csv?: string;
      bar_magnifier_timeframe?: string;
      bar_magnifier_name?: string;
      bar_magnifier_csv?: string;
    };
    LabRun: {
      id: string;
      name: string;
      strategy: string;
      params: {
        [key: string]: number;
      };
      options: {
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
        trailing_atr?: number;
        trailing_pct?: number;
        trailing_activation?: number;
        close_pct?: number;
        fill_on_close?: boolean;
        tp1_atr?: number;
        tp1_pct?: number;
        tp1_qty_pct?: number;
        tp2_atr?: number;
        tp2_pct?: number;
        tp2_qty_pct?: number;
        break_even?: boolean;
      };
      data: components['schemas']['LabRunData'];
      data_info: components['schemas']['DataInfo'];
      metrics: components['schemas']['BacktestMetrics'];
      created_at: string;
    };
    LabRunList: {
      runs: components['schemas']['LabRun'][];
    };
    LabRunDeleted: {
      /** @enum {boolean} */
      success: true;
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
        | 'daily_loss_reached'
        | 'daily_summary'
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
        | 'daily_loss_reached'
        | 'daily_summary'
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
        | 'daily_loss_reached'
        | 'daily_summary'
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
    HistoryTrade: {
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
      account_id: string;
      account_label: string;
      exchange: string;
    };
    HistoryTradeList: {
      trades: components['schemas']['HistoryTrade'][];
      total: number;
    };
    PnlPeriod: {
      date: string;
      realized_pnl: string;
      fees: string;
      funding: string;
      net_pnl: string;
      cumulative_net_pnl: string;
      fills: number;
      start_equity: string | null;
      return_pct: string | null;
      cumulative_return_pct: string | null;
    };
    TradeSummary: {
      closed_trades: number;
      open_trades: number;
      wins: number;
      losses: number;
      win_rate_pct: number | null;
      net_pnl: string;
      fees: string;
      funding: string;
      gross_profit: string;
      gross_loss: string;
      profit_factor: string | null;
      best_trade: string | null;
      worst_trade: string | null;
    };
    HistoryReturns: {
      /** @enum {string} */
      period: 'day' | 'month';
      periods: components['schemas']['PnlPeriod'][];
      summary: components['schemas']['TradeSummary'];
    };
    RestingOrder: {
      venue_order_id: string;
      client_order_id: string;
      symbol: string;
      /** @enum {string} */
      kind: 'stop_loss' | 'take_profit' | 'trailing_stop' | 'limit' | 'market';
      /** @enum {string} */
      side: 'buy' | 'sell';
      /** @enum {string} */
      position_side: 'net' | 'long' | 'short';
      qty: string;
      price: string | null;
      trigger_price: string | null;
      reduce_only: boolean;
      status: string;
    };
    RestingOrderList: {
      account_id: string;
      orders: components['schemas']['RestingOrder'][];
    };
    ChartCandle: {
      time: number;
      open: number;
      high: number;
      low: number;
      close: number;
    };
    ChartFill: {
      time: number;
      /** @enum {string} */
      side: 'buy' | 'sell';
      /** @enum {string} */
      position_side: 'long' | 'short' | 'net';
      qty: string;
      price: string;
      realized_pnl: string;
      reason: string;
    };
    ChartPosition: {
      /** @enum {string} */
      side: 'net' | 'long' | 'short';
      qty: string;
      entry_price: string;
      mark_price: string;
      unrealized_pnl: string;
      liquidation_price?: string;
    };
    PositionChart: {
      account_id: string;
      symbol: string;
      timeframe: string;
      candles: components['schemas']['ChartCandle'][];
      fills: components['schemas']['ChartFill'][];
      orders: components['schemas']['RestingOrder'][];
      positions: components['schemas']['ChartPosition'][];
    };
    BotChart: {
      bot_id: string;
      symbol: string;
      timeframe: string;
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
      decisions: {
        time: number;
        /** @enum {string} */
        action: 'long' | 'short' | 'close_long' | 'close_short';
        /** @enum {string} */
        outcome: 'sent' | 'skipped';
        reason: string | null;
      }[];
      protection: {
        /** @enum {string} */
        kind: 'stop_loss' | 'take_profit';
        price: string;
      }[];
      position: {
        /** @enum {string} */
        side: 'long' | 'short';
        qty: string;
        entry_price: string;
        mark_price: string;
        unrealized_pnl: string;
      } | null;
      market_data?: components['schemas']['MarketDataState'];
    };
    Bot: {
      id: string;
      account_id: string;
      /** @enum {string} */
      exchange: 'binance' | 'okx' | 'bybit' | 'paper';
      name: string;
      strategy: string;
      params: {
        [key: string]: number;
      };
      symbol: string;
      timeframe: string;
      plan: components['schemas']['BotPlan'];
      max_signal_age_s: number;
      /** @enum {string} */
      desired_state: 'running' | 'stopped';
      /** @enum {string} */
      status: 'stopped' | 'warming_up' | 'running' | 'error';
      status_reason: string | null;
      status_since: string;
      /** @enum {string} */
      position: 'flat' | 'long' | 'short';
      last_bar_time: number | null;
      next_bar_due: number | null;
      pnl: components['schemas']['BotPnl'];
      created_at: string;
      updated_at: string;
    };
    BotPnl: {
      realized_pnl: string;
      fees: string;
      net_pnl: string;
      closed_trades: number;
      open_trades: number;
      wins: number;
    };
    BotPlan: {
      size_pct: number;
      leverage: number;
      /** @enum {string} */
      margin_mode: 'cross' | 'isolated';
      sl_atr: number | null;
      sl_pct: number | null;
      tp_atr: number | null;
      tp_pct: number | null;
      atr_period: number;
      /** @enum {string} */
      direction: 'both' | 'long' | 'short';
    };
    BotDecision: {
      bar_time: number;
      /** @enum {string} */
      action: 'long' | 'short' | 'close_long' | 'close_short';
      /** @enum {string} */
      outcome: 'sent' | 'skipped';
      reason: string | null;
      signal_id: string | null;
      signal_status: string | null;
      created_at: string;
    };
    BotList: {
      bots: components['schemas']['Bot'][];
      total: number;
    };
    BotDetail: {
      id: string;
      account_id: string;
      /** @enum {string} */
      exchange: 'binance' | 'okx' | 'bybit' | 'paper';
      name: string;
      strategy: string;
      params: {
        [key: string]: number;
      };
      symbol: string;
      timeframe: string;
      plan: components['schemas']['BotPlan'];
      max_signal_age_s: number;
      /** @enum {string} */
      desired_state: 'running' | 'stopped';
      /** @enum {string} */
      status: 'stopped' | 'warming_up' | 'running' | 'error';
      status_reason: string | null;
      status_since: string;
      /** @enum {string} */
      position: 'flat' | 'long' | 'short';
      last_bar_time: number | null;
      next_bar_due: number | null;
      pnl: components['schemas']['BotPnl'];
      created_at: string;
      updated_at: string;
      decisions: components['schemas']['BotDecision'][];
    };
    BotDeleted: {
      /** @enum {boolean} */
      success: true;
      message: string;
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
