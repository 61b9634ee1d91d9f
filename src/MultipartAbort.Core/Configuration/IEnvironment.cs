namespace MultipartAbort.Core.Configuration;

/// <summary>Where settings come from: the process environment in production, a dictionary in tests.</summary>
public interface IEnvironment
{
    string? Get(string name);
}
