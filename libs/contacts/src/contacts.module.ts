import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactWriter } from './application/contact-writer.js';
import { CreateContactHandler } from './application/create-contact.handler.js';
import { DataAttributesService } from './application/data-attributes.service.js';
import { GetContactHandler } from './application/get-contact.handler.js';
import { UpdateContactHandler } from './application/update-contact.handler.js';
import { ContactsController } from './http/contacts.controller.js';
import { DataAttributesController } from './http/data-attributes.controller.js';
import { ContactRepository } from './infrastructure/contact.repository.js';

@Module({
  imports: [CqrsModule],
  controllers: [ContactsController, DataAttributesController],
  providers: [ContactRepository, ContactWriter, CreateContactHandler, UpdateContactHandler, GetContactHandler, DataAttributesService],
})
export class ContactsModule {}
