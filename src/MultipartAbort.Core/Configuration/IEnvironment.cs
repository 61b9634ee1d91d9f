namespace MultipartAbort.Core.Configuration;

public interface IEnvironment
{
    string? Get(string name);
}
