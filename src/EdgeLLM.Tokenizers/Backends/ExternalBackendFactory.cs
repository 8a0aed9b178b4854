using EdgeLLM.Tokenizers.AddedTokens;
using EdgeLLM.Tokenizers.Json;
using EdgeLLM.Tokenizers.Models;

namespace EdgeLLM.Tokenizers.Backends;

/// <summary>Builds an <see cref="IExternalBackend"/> for a file, or null when it cannot take that file.</summary>
internal delegate IExternalBackend? ExternalBackendFactory(TokenizerSections file, BpeModel model, IReadOnlyList<AddedToken> added);
