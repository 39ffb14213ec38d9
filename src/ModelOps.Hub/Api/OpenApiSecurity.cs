using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ModelOps.Hub.Api;

/// <summary>Names the OpenAPI document and declares how the API authenticates: a bearer token on every operation but <c>/health</c>.</summary>
internal static class OpenApiSecurity
{
    /// <summary>The security scheme's name in the document.</summary>
    public const string Scheme = "bearer";

    /// <summary>Adds the bearer scheme, requires it globally, and lets <c>/health</c> go without.</summary>
    public static void DescribeBearerTokens(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ModelOps hub API";
            document.Info.Description = "The registry, runs, model groups, predictions with SHAP, inference logs and analytics of a ModelOps hub. Send an API token as 'Authorization: Bearer <token>'; /health needs none.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token, sent as 'Authorization: Bearer <token>': 'modelops tokens create --role ROLE' prints one. Its role (admin, scientist, predictor, viewer) decides what it may do.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] }];
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.RelativePath == "health")
            {
                operation.Security = [];
            }

            return Task.CompletedTask;
        });
    }
}
