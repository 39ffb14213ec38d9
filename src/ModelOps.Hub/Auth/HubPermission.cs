using ModelOps.Store.Auth;

namespace ModelOps.Hub.Auth;

/// <summary>What an endpoint needs a token to be allowed to do.</summary>
public enum HubPermission
{
    /// <summary>Read the registry, groups, logs and analytics: admin, scientist, viewer.</summary>
    Read,

    /// <summary>Predict and send feedback: admin, scientist, predictor.</summary>
    Predict,

    /// <summary>Create and change groups, promote: admin, scientist.</summary>
    Manage,

    /// <summary>Delete groups: admin only.</summary>
    Delete,

    /// <summary>Create, list and revoke API tokens; add, change and remove connectors: admin only.</summary>
    Administer,
}

/// <summary>Endpoint metadata: the permission a request to the endpoint needs.</summary>
/// <param name="Permission">The permission.</param>
internal sealed record RequiredPermission(HubPermission Permission)
{
    /// <summary>Whether <paramref name="role"/> has <paramref name="permission"/>.</summary>
    public static bool Allows(TokenRole role, HubPermission permission) => permission switch
    {
        HubPermission.Read => role is TokenRole.Admin or TokenRole.Scientist or TokenRole.Viewer,
        HubPermission.Predict => role is TokenRole.Admin or TokenRole.Scientist or TokenRole.Predictor,
        HubPermission.Manage => role is TokenRole.Admin or TokenRole.Scientist,
        _ => role is TokenRole.Admin,
    };

    /// <summary>The roles that have <paramref name="permission"/>, for messages.</summary>
    public static string Roles(HubPermission permission) => permission switch
    {
        HubPermission.Read => "admin, scientist or viewer",
        HubPermission.Predict => "admin, scientist or predictor",
        HubPermission.Manage => "admin or scientist",
        _ => "admin",
    };

    /// <summary>What the permission lets one do, for messages.</summary>
    public static string Describe(HubPermission permission) => permission switch
    {
        HubPermission.Read => "read",
        HubPermission.Predict => "predict or send feedback",
        HubPermission.Manage => "create, change or promote groups",
        HubPermission.Delete => "delete groups",
        _ => "manage API tokens and connectors",
    };
}
