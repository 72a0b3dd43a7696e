using LiveChat.Core;
using LiveChat.Core.Errors;
using LiveChat.Core.Uploads;

namespace LiveChat.Tests.Hosting;

/// <summary>Texts that name a limit take it from the settings; with the default settings they are the reference's words.</summary>
public sealed class ErrorTextsTests
{
    [Fact]
    public void With_the_default_limits_the_texts_are_the_references()
    {
        Assert.Equal(ErrorCatalog.MessageTooLong.Detail, ValidationTexts.MessageTooLong(new LiveChatOptions().MaxMessageLength));
        Assert.Equal(ErrorCatalog.FileTooLarge.Detail, ValidationTexts.FileTooLarge(new UploadOptions().MaxFileSize));
        Assert.Equal(ErrorCatalog.FileTypeNotAllowed.Detail, ValidationTexts.FileTypeNotAllowed(FileRules.MimeTypesByExtension.Keys));
    }

    [Fact]
    public void Other_limits_show_in_the_texts()
    {
        Assert.Equal("Mensagem muito longa (máximo 8000 caracteres)", ValidationTexts.MessageTooLong(8000));
        Assert.Equal("Arquivo muito grande. Máximo: 25MB", ValidationTexts.FileTooLarge(25 * 1024 * 1024));
        Assert.Equal("Arquivo muito grande. Máximo: 1000 bytes", ValidationTexts.FileTooLarge(1000));
    }
}
